module gosnap.test/cgo

go 1.19
