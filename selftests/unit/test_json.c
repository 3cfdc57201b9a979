// SPDX-License-Identifier: GPL-2.0
/* The JSON writer: escaping of every awkward byte, nesting, commas. */
#include "base/json.h"
#include "snap/flags.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <linux/gosnap.h>

static char *escaped(const char *s, size_t len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	json_escape(f, s, len);
	fclose(f);
	return buf;
}

static void check_escape(const char *in, size_t len, const char *want,
			 const char *what)
{
	char *got = escaped(in, len);

	ok(!strcmp(got, want), "escape %s: %s", what, got);
	if (strcmp(got, want))
		diag("  wanted %s", want);
	free(got);
}

static void test_escape(void)
{
	check_escape("plain", 5, "\"plain\"", "plain ASCII");
	check_escape("a\"b\\c", 5, "\"a\\\"b\\\\c\"", "quote and backslash");
	check_escape("\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"", "short escapes");
	check_escape("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"", "control bytes");
	check_escape("a\0b", 3, "\"a\\u0000b\"", "embedded NUL");
	check_escape("/", 1, "\"/\"", "solidus left alone");
	check_escape("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
		     "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"", "valid UTF-8 kept");
	check_escape("\xff\xfe", 2, "\"\\ufffd\\ufffd\"", "invalid bytes replaced");
	check_escape("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"", "overlong form replaced");
	check_escape("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"", "surrogate replaced");
	check_escape("\xe2\x82", 2, "\"\\ufffd\\ufffd\"", "truncated sequence replaced");
	check_escape("\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"",
		     "beyond U+10FFFF replaced");
}

static char *render(bool pretty)
{
	struct json_writer w;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	jw_init(&w, f, pretty);
	jw_start_object(&w);
	jw_kv_string(&w, "name", "x\"y");
	jw_kv_u64(&w, "big", UINT64_MAX);
	jw_kv_i64(&w, "neg", -5);
	jw_kv_hex(&w, "addr", 0xc000000000ULL);
	jw_kv_hex(&w, "zero", 0);
	jw_kv_bool(&w, "yes", true);
	jw_key(&w, "none");
	jw_null(&w);
	jw_key(&w, "list");
	jw_start_array(&w);
	jw_u64(&w, 1);
	jw_start_object(&w);
	jw_end_object(&w);
	jw_start_array(&w);
	jw_end_array(&w);
	jw_end_array(&w);
	jw_key(&w, "nul");
	jw_string(&w, NULL);
	jw_end_object(&w);
	fclose(f);
	return buf;
}

static void test_writer(void)
{
	char *s = render(false);
	bool pretty_ok;

	ok(!strcmp(s, "{\"name\":\"x\\\"y\",\"big\":18446744073709551615,\"neg\":-5,"
		      "\"addr\":\"0xc000000000\",\"zero\":\"0x0\",\"yes\":true,"
		      "\"none\":null,\"list\":[1,{},[]],\"nul\":null}\n"),
	   "compact document: %s", s);
	free(s);
	s = render(true);
	pretty_ok = !strcmp(s, "{\n  \"name\": \"x\\\"y\",\n  \"big\": 18446744073709551615,\n"
		      "  \"neg\": -5,\n  \"addr\": \"0xc000000000\",\n  \"zero\": \"0x0\",\n"
		      "  \"yes\": true,\n  \"none\": null,\n  \"list\": [\n    1,\n    {},\n"
		      "    []\n  ],\n  \"nul\": null\n}\n");
	ok(pretty_ok, "pretty document");
	if (!pretty_ok)
		diag("%s", s);
	free(s);
}

static void test_flags(void)
{
	char buf[256], err[128];
	uint32_t set, clear;

	ok(!strcmp(gs_flags_str(&gs_page_flags, GOSNAP_PG_PRESENT | GOSNAP_PG_THP |
				GOSNAP_PG_SWAPCACHE | (1U << 30), buf, sizeof(buf)),
		   "present,thp,swapcache,bit30"), "page flags to names: %s", buf);
	ok(!strcmp(gs_flags_str(&gs_page_flags, GOSNAP_PG_THP | GOSNAP_PG_PMD, buf, sizeof(buf)),
		   "thp,pmd"), "the PMD bit has a name: %s", buf);
	ok(gs_flags_parse(&gs_page_flags, "pmd,!zero", &set, &clear, err, sizeof(err)) == 0 &&
	   set == GOSNAP_PG_PMD && clear == GOSNAP_PG_ZERO, "--flags pmd parses");
	ok(!strcmp(gs_flags_str(&gs_page_flags, 0, buf, sizeof(buf)), ""), "no flags");
	ok(gs_flags_parse(&gs_page_flags, "present,!zero,pte_dirty", &set, &clear,
			  err, sizeof(err)) == 0 &&
	   set == (GOSNAP_PG_PRESENT | GOSNAP_PG_PTE_DIRTY) && clear == GOSNAP_PG_ZERO,
	   "parse with negation");
	ok(gs_flags_parse(&gs_page_flags, "present,bogus", &set, &clear, err,
			  sizeof(err)) == -1 && strstr(err, "unknown flag 'bogus'"),
	   "unknown name refused: %s", err);
	ok(gs_flags_parse(&gs_page_flags, "pres", &set, &clear, err, sizeof(err)) == -1,
	   "no prefix matching of flag names");
	/* Every named bit survives name -> bit -> name. */
	{
		unsigned int bit, bad = 0;

		for (bit = 0; bit < 32; bit++) {
			const char *name = gs_page_flags.names[bit];

			if (!name)
				continue;
			if (gs_flags_parse(&gs_page_flags, name, &set, &clear, err,
					   sizeof(err)) || set != 1U << bit)
				bad++;
		}
		ok(bad == 0, "every page flag name parses to its bit");
	}
}

int main(void)
{
	test_escape();
	test_writer();
	test_flags();
	return tap_done();
}
