// SPDX-License-Identifier: GPL-2.0
//
// gen: derive gosnap's per-version layout table (cli/layout/tables/go1.NN.h)
// from one Go release's runtime source, for linux/amd64. It type-checks the
// runtime package of that source tree with go/types and lays the structs
// out by the gc compiler's rules (computed here: go/types' own sizes did
// not round struct sizes before Go 1.21), so nothing comes from a binary's
// DWARF; selftests/host/layout.t checks the result against that DWARF.
//
// Usage: go run . -goroot DIR -version go1.NN [-tags t1,t2] >go1.NN.h
// Run it with the release's own toolchain where one exists (its default
// GOEXPERIMENT build tags are then the ones the runtime was built with).
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Structs that have no runtime type descriptor in a binary (so the
// typedesc source cannot answer for them), and the small structs their
// fields lead to. A name that a release lacks is skipped.
var structs = []string{
	"mheap", "heapArena", "pageAlloc", "addrRanges", "addrRange", "offAddr",
	"pallocData", "scavengeIndex", "mstats", "consistentHeapStats",
	"heapStatsDelta", "gcControllerState", "schedt", "workType", "mcentral",
	"spanSet", "headTailIndex", "moduledata", "textsect", "pcHeader",
	"functab", "gQueue", "gList", "sweepdata", "linearAlloc", "fixalloc",
	"mutex", "lockRankStruct", "sysMemStat", "heapStatsAggregate",
	"timeHistogram", "specialfinalizer", "bitvector", "itabTableType",
	"listHeadManual",
}

// Package-level variables whose type the decoders need to know.
var globals = []string{
	"runtime.mheap_", "runtime.allgs", "runtime.allglen", "runtime.allgptr",
	"runtime.allp", "runtime.allm", "runtime.sched", "runtime.work",
	"runtime.m0", "runtime.g0", "runtime.buildVersion",
	"runtime.firstmoduledata", "runtime.memstats", "runtime.gcController",
	"runtime.class_to_size", "runtime.class_to_allocnpages",
	"internal/runtime/gc.SizeClassToSize", "runtime.gcphase",
	"runtime.worldsema", "runtime.ncpu", "runtime.gomaxprocs",
}

// Packages whose integer constants are all emitted.
var constPkgs = []string{"runtime", "internal/runtime/gc"}

func round(x, a int64) int64 { return (x + a - 1) / a * a }

// sizeAlign: the gc compiler's size and alignment of t on amd64.
func sizeAlign(t types.Type) (int64, int64) {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch u.Kind() {
		case types.Bool, types.Int8, types.Uint8:
			return 1, 1
		case types.Int16, types.Uint16:
			return 2, 2
		case types.Int32, types.Uint32, types.Float32:
			return 4, 4
		case types.Complex64:
			return 8, 4
		case types.Complex128:
			return 16, 8
		case types.String:
			return 16, 8
		default:
			return 8, 8
		}
	case *types.Pointer, *types.Map, *types.Chan, *types.Signature:
		return 8, 8
	case *types.Slice:
		return 24, 8
	case *types.Interface:
		return 16, 8
	case *types.Array:
		s, a := sizeAlign(u.Elem())
		return s * u.Len(), a
	case *types.Struct:
		offs, size, align := structLayout(u)
		_ = offs
		return size, align
	}
	panic(fmt.Sprintf("no layout for %v", t))
}

// structLayout: field offsets, size and alignment of a struct.
func structLayout(st *types.Struct) ([]int64, int64, int64) {
	var off, maxa int64 = 0, 1
	offs := make([]int64, st.NumFields())
	lastZero := false
	for i := 0; i < st.NumFields(); i++ {
		s, a := sizeAlign(st.Field(i).Type())
		off = round(off, a)
		offs[i] = off
		off += s
		if a > maxa {
			maxa = a
		}
		lastZero = s == 0
	}
	// A trailing zero-sized field gets a byte, so that its address
	// stays inside the object.
	if lastZero && off > 0 {
		off++
	}
	return offs, round(off, maxa), maxa
}

// typeName spells a type the way the gc toolchain's DWARF does: named
// types by package path, byte and rune as uint8 and int32, parameters
// without names, unexported struct fields qualified by their package.
func typeName(t types.Type) string {
	switch u := unalias(t).(type) {
	case *types.Named:
		obj := u.Obj()
		name := obj.Name()
		if args := u.TypeArgs(); args != nil && args.Len() > 0 {
			var a []string
			for i := 0; i < args.Len(); i++ {
				a = append(a, typeName(args.At(i)))
			}
			name += "[" + strings.Join(a, ",") + "]"
		}
		if obj.Pkg() == nil {
			return name
		}
		return obj.Pkg().Path() + "." + name
	case *types.Basic:
		switch u.Kind() {
		case types.Byte:
			return "uint8"
		case types.Rune:
			return "int32"
		case types.UnsafePointer:
			return "unsafe.Pointer"
		}
		return u.Name()
	case *types.Pointer:
		return "*" + typeName(u.Elem())
	case *types.Slice:
		return "[]" + typeName(u.Elem())
	case *types.Array:
		return fmt.Sprintf("[%d]%s", u.Len(), typeName(u.Elem()))
	case *types.Map:
		return "map[" + typeName(u.Key()) + "]" + typeName(u.Elem())
	case *types.Chan:
		switch u.Dir() {
		case types.SendOnly:
			return "chan<- " + typeName(u.Elem())
		case types.RecvOnly:
			return "<-chan " + typeName(u.Elem())
		}
		return "chan " + typeName(u.Elem())
	case *types.Signature:
		var in, out []string
		for i := 0; i < u.Params().Len(); i++ {
			in = append(in, typeName(u.Params().At(i).Type()))
		}
		for i := 0; i < u.Results().Len(); i++ {
			out = append(out, typeName(u.Results().At(i).Type()))
		}
		s := "func(" + strings.Join(in, ", ") + ")"
		if len(out) == 1 {
			s += " " + out[0]
		} else if len(out) > 1 {
			s += " (" + strings.Join(out, ", ") + ")"
		}
		return s
	case *types.Struct:
		var f []string
		for i := 0; i < u.NumFields(); i++ {
			v := u.Field(i)
			switch {
			case v.Embedded():
				f = append(f, typeName(v.Type()))
			case v.Exported() || v.Pkg() == nil:
				f = append(f, v.Name()+" "+typeName(v.Type()))
			default:
				f = append(f, v.Pkg().Path()+"."+v.Name()+" "+typeName(v.Type()))
			}
		}
		if len(f) == 0 {
			return "struct {}"
		}
		return "struct { " + strings.Join(f, "; ") + " }"
	}
	return types.TypeString(t, func(p *types.Package) string { return p.Path() })
}

func check(path string, conf *types.Config, fset *token.FileSet) *types.Package {
	bp, err := build.Default.Import(path, "", 0)
	if err != nil {
		return nil
	}
	var files []*ast.File
	for _, f := range bp.GoFiles {
		af, err := parser.ParseFile(fset, filepath.Join(bp.Dir, f), nil, 0)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		files = append(files, af)
	}
	pkg, _ := conf.Check(path, fset, files, nil)
	return pkg
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

func emitStruct(name string, st *types.Struct, anon map[string]*types.Struct) {
	offs, size, _ := structLayout(st)
	fmt.Printf("GS_TBL_SIZE(%s, %d)\n", quote(name), size)
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		s, _ := sizeAlign(f.Type())
		fmt.Printf("GS_TBL_FIELD(%s, %s, %d, %d, %s)\n", quote(name),
			quote(f.Name()), offs[i], s, quote(typeName(f.Type())))
		if inner, ok := f.Type().(*types.Struct); ok {
			anon[typeName(f.Type())] = inner
		}
		if arr, ok := f.Type().(*types.Array); ok {
			if inner, ok := arr.Elem().(*types.Struct); ok {
				anon[typeName(arr.Elem())] = inner
			}
		}
	}
}

func main() {
	goroot := flag.String("goroot", "", "root of the Go source tree (holds src/runtime)")
	version := flag.String("version", "", "the release, e.g. go1.21")
	tags := flag.String("tags", "", "build tags instead of this toolchain's defaults (comma-separated)")
	flag.Parse()
	if *goroot == "" || *version == "" {
		fmt.Fprintln(os.Stderr, "usage: gen -goroot DIR -version go1.NN [-tags ...]")
		os.Exit(2)
	}
	build.Default.GOROOT = *goroot
	build.Default.GOOS, build.Default.GOARCH = "linux", "amd64"
	build.Default.CgoEnabled = false
	if *tags != "" {
		build.Default.ToolTags = strings.Split(*tags, ",")
	}
	fset := token.NewFileSet()
	nerr := 0
	conf := &types.Config{
		Importer: importer.ForCompiler(fset, "source", nil),
		Error:    func(err error) { nerr++ },
	}
	pkgs := map[string]*types.Package{}
	for _, p := range constPkgs {
		if pkg := check(p, conf, fset); pkg != nil {
			pkgs[p] = pkg
		}
	}
	rt := pkgs["runtime"]
	if rt == nil {
		fmt.Fprintln(os.Stderr, "gen: no runtime package under", *goroot)
		os.Exit(1)
	}
	if nerr > 0 {
		fmt.Fprintf(os.Stderr, "gen: %d type errors in the runtime source\n", nerr)
		os.Exit(1)
	}

	fmt.Printf("/* SPDX-License-Identifier: GPL-2.0 */\n")
	fmt.Printf("/*\n * %s, linux/amd64: layouts and constants derived from the release's\n", *version)
	fmt.Printf(" * runtime source by cli/layout/tables/gen (facts only; regenerate, do\n * not edit). Build tags: %s.\n */\n",
		strings.Join(build.Default.ToolTags, " "))
	anon := map[string]*types.Struct{}
	for _, name := range structs {
		obj := rt.Scope().Lookup(name)
		if obj == nil {
			continue
		}
		if _, ok := obj.(*types.TypeName); !ok {
			continue
		}
		if st, ok := obj.Type().Underlying().(*types.Struct); ok {
			emitStruct("runtime."+name, st, anon)
		} else {
			s, _ := sizeAlign(obj.Type())
			fmt.Printf("GS_TBL_SIZE(%s, %d)\n", quote("runtime."+name), s)
		}
	}
	for _, g := range globals {
		i := strings.LastIndex(g, ".")
		pkg := pkgs[g[:i]]
		if pkg == nil {
			continue
		}
		v, ok := pkg.Scope().Lookup(g[i+1:]).(*types.Var)
		if !ok {
			continue
		}
		fmt.Printf("GS_TBL_GLOBAL(%s, %s)\n", quote(g), quote(typeName(v.Type())))
		if st, ok := v.Type().(*types.Struct); ok {
			anon[typeName(v.Type())] = st
		}
	}
	names := make([]string, 0, len(anon))
	for n := range anon {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		emitStruct(n, anon[n], map[string]*types.Struct{})
	}
	for _, p := range constPkgs {
		pkg := pkgs[p]
		if pkg == nil {
			continue
		}
		sc := pkg.Scope()
		for _, n := range sc.Names() {
			c, ok := sc.Lookup(n).(*types.Const)
			if !ok || c.Val().Kind() != constant.Int {
				continue
			}
			v, exact := constant.Int64Val(c.Val())
			if !exact {
				// uint64 constants above MaxInt64 (arenaBaseOffset):
				// stored as their two's complement bits.
				u, ok := constant.Uint64Val(c.Val())
				if !ok {
					continue
				}
				v = int64(u)
			}
			if v == math.MinInt64 {
				fmt.Printf("GS_TBL_CONST(%s, INT64_MIN)\n", quote(p+"."+n))
			} else {
				fmt.Printf("GS_TBL_CONST(%s, %d)\n", quote(p+"."+n), v)
			}
		}
	}
}
