/* emit_fixture.h - a small report with every feature the emitters render,
 * and helpers to capture an emitter's output in memory (shared by the
 * test_emit*.c and test_report_read.c programs). */
#ifndef QHARD_TEST_EMIT_FIXTURE_H
#define QHARD_TEST_EMIT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/emit.h"
#include "report.h"

/* A path with a newline, an ESC, a raw 0xff byte, a space and UTF-8 "é". */
#define HOSTILE_PATH "/tmp/we ird\n\033[31m\xff-\xc3\xa9.so"

static inline struct qh_result *fixture_good(void)
{
	struct qh_result *res = qh_result_new("/usr/bin/qemu-img", NULL);

	res->type = strdup("pie");
	res->machine = strdup("x86_64");
	res->elf_class = 64;
	res->endian = strdup("little");
	qh_result_add_check(res, "relro", QH_PASS, json_string("full"),
			    "PT_GNU_RELRO + DT_FLAGS BIND_NOW");
	qh_result_add_check(res, "pie", QH_PASS, json_string("yes"), "ET_DYN");
	qh_result_add_check(res, "canary", QH_PASS, json_string("yes"),
			    "imports __stack_chk_fail");
	qh_result_add_check(res, "fortify", QH_WARN,
			    json_pack("{s:[s,s,s],s:[s]}", "fortified",
				      "memcpy", "printf", "read",
				      "unfortified", "strcpy"),
			    "3 fortified, 1 not");
	return res;
}

static inline struct qh_result *fixture_bad(void)
{
	struct qh_result *res = qh_result_new(HOSTILE_PATH, NULL);
	struct qh_check *c;

	res->type = strdup("dso");
	res->machine = strdup("aarch64");
	res->elf_class = 64;
	res->endian = strdup("little");
	qh_result_add_check(res, "relro", QH_FAIL, json_string("partial"),
			    "PT_GNU_RELRO, lazy binding");
	qh_result_add_check(res, "pie", QH_SKIP, NULL, "not applicable to dso");
	c = qh_result_add_check(res, "stack-clash", QH_FAIL, json_string("no"),
				"no probes in \"%s\"", "big_frame");
	qh_check_set_str(&c->reason, "large frames can jump the guard page");
	qh_check_set_str(&c->fix, "build with -fstack-clash-protection");
	qh_check_set_str(&c->severity, "high");
	qh_check_add_location(c, "big_frame", "hw/net/e1000.c", 42, 0x401000);
	c = qh_result_add_check(res, "rpath", QH_PASS, json_pack("[s]", "lib"),
				"DT_RPATH lib (relative)");
	c->raw_status = QH_FAIL;
	qh_check_set_str(&c->waived_by, "vendor blob, ticket QH-1");
	qh_result_add_check(res, "my-new-check", QH_WARN, json_string("odd"),
			    "an id no rule table knows");
	return res;
}

static inline struct qh_result *fixture_broken(void)
{
	struct qh_result *res = qh_result_new("broken<&>.bin", NULL);

	qh_result_set_error(res, "not an ELF file (bad magic \"%s\")", "\x7f" "EL");
	return res;
}

static inline struct qh_report *fixture_report(void)
{
	struct qh_report *r = qh_report_new("checksec", NULL);

	qh_report_add(r, fixture_good(), NULL);
	qh_report_add(r, fixture_bad(), NULL);
	qh_report_add(r, fixture_broken(), NULL);
	json_object_set_new(r->extra, "build",
			    json_pack("{s:s,s:[s,s],s:[{s:s,s:s,s:s}]}",
				      "profile", "x86-minimal", "devices",
				      "virtio-net-pci", "e1000", "findings",
				      "id", "flag-missing", "severity",
				      "medium", "evidence", "no -fPIE"));
	return r;
}

/* Emit r as `format` into a malloc'd NUL-terminated string. */
static inline char *emit_to_string(const struct qh_report *r,
				   const char *format, bool color, int *rc)
{
	struct qh_emit_options opts = { .color = color };
	struct qh_error err = { "" };
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);

	*rc = qh_report_emit(r, format, f, &opts, &err);
	if (*rc)
		fprintf(stderr, "emit %s: %s\n", format, err.msg);
	fclose(f);
	return data;
}

static inline size_t count_substr(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Run a shell command with `input` on its stdin; returns its exit status. */
static inline int pipe_to(const char *cmd, const char *input)
{
	FILE *p = popen(cmd, "w");

	if (!p)
		return -1;
	fputs(input, p);
	return pclose(p);
}

#endif
