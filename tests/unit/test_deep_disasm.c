/* test_deep_disasm.c - the capstone wrapper: undecodable bytes are skipped
 * and decoding resumes at the next boundary; nothing past the range is
 * read (the buffers below end exactly at the range, so ASan would see). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "deep/deep_disasm.h"

struct seen {
	uint64_t addr[16];
	size_t n;
};

static int record(const cs_insn *in, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 16)
		s->addr[s->n++] = in->address;
	return 0;
}

static void run(enum deep_arch arch, const uint8_t *bytes, size_t len,
		struct seen *s, size_t *skipped)
{
	struct deep_image img = { .arch = arch };
	struct deep_disasm d;
	struct qh_error err;
	uint8_t *copy = malloc(len); /* exact size: overreads hit ASan */

	assert_non_null(copy);
	memcpy(copy, bytes, len);
	img.machine = arch == DEEP_ARCH_AARCH64 ? 183 : 62;
	assert_int_equal(deep_disasm_open(&d, &img, &err), 0);
	memset(s, 0, sizeof(*s));
	deep_disasm_range(&d, copy, len, 0x1000, record, s);
	*skipped = d.skipped;
	deep_disasm_close(&d);
	free(copy);
}

static void test_x86_resync(void **state)
{
	/* nop; 0x06 (push es: invalid in 64-bit mode); ret; then b8 01 02,
	 * a mov imm32 cut after 3 of its 5 bytes: b8 is skipped and 01 02
	 * decodes as add %eax,(%rdx), ending exactly at the range end */
	static const uint8_t code[] = { 0x90, 0x06, 0xc3, 0xb8, 0x01, 0x02 };
	struct seen s;
	size_t skipped;

	(void)state;
	run(DEEP_ARCH_X86_64, code, sizeof(code), &s, &skipped);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.addr[0], 0x1000);
	assert_int_equal(s.addr[1], 0x1002);
	assert_int_equal(s.addr[2], 0x1004);
	assert_int_equal(skipped, 2);
}

static void test_aarch64_resync(void **state)
{
	/* ret; a word capstone 4 cannot decode; ret; 2 stray bytes */
	static const uint8_t code[] = {
		0xc0, 0x03, 0x5f, 0xd6, 0xff, 0xff, 0xff, 0xff,
		0xc0, 0x03, 0x5f, 0xd6, 0x1f, 0x20,
	};
	struct seen s;
	size_t skipped;

	(void)state;
	run(DEEP_ARCH_AARCH64, code, sizeof(code), &s, &skipped);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.addr[0], 0x1000);
	assert_int_equal(s.addr[1], 0x1008); /* resumed on the 4-byte boundary */
	assert_int_equal(skipped, 4 + 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_resync),
		cmocka_unit_test(test_aarch64_resync),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
