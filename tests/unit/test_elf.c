/* test_elf.c - lib/elf: the bounds-checked ELF view on real fixtures
 * (compiled at test time by tests/fixtures/build.sh) and on a malformed
 * corpus derived from them in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf.h"
#include "fixtures_util.h"

static void test_header_and_segments(void **state)
{
	struct qh_error err = { "" };
	struct qh_elf *e = qh_elf_open(fixture_path("gcc-relro-full"), &err);

	(void)state;
	assert_non_null(e);
	assert_int_equal(qh_elf_class(e), 64);
	assert_false(qh_elf_big_endian(e));
	assert_int_equal(qh_elf_machine(e), EM_X86_64);
	assert_string_equal(qh_elf_machine_name(e), "x86_64");
	assert_int_equal(qh_elf_type(e), ET_DYN);
	assert_true(qh_elf_entry(e) != 0);
	assert_non_null(qh_elf_phdr_find(e, PT_GNU_RELRO));
	assert_non_null(qh_elf_phdr_find(e, PT_DYNAMIC));
	assert_null(qh_elf_phdr(e, qh_elf_phnum(e)));
	assert_non_null(qh_elf_interp(e));
	assert_non_null(strstr(qh_elf_interp(e), "ld-linux"));
	assert_true(qh_elf_dyn_find(e, DT_FLAGS_1, NULL));
	assert_non_null(qh_elf_section_by_name(e, ".text"));
	assert_null(qh_elf_section_by_name(e, ".no-such-section"));
	qh_elf_close(e);
}

static void test_dynamic_strings_and_symbols(void **state)
{
	struct qh_error err = { "" };
	struct qh_elf *e = qh_elf_open(fixture_path("gcc-ssp"), &err);
	const char *needed[4];
	const struct qh_elf_symbol *s;

	(void)state;
	assert_non_null(e);
	assert_int_equal(qh_elf_dyn_strings(e, DT_NEEDED, needed, 4), 1);
	assert_string_equal(needed[0], "libc.so.6");
	assert_true(qh_elf_imports(e, "__stack_chk_fail"));
	/* Exact names only: a prefix is not a match. */
	assert_false(qh_elf_imports(e, "__stack_chk"));
	assert_false(qh_elf_imports(e, "main"));
	s = qh_elf_defines(e, "main");
	assert_non_null(s);
	assert_true(s->defined);
	assert_int_equal(s->type, STT_FUNC);
	/* .symtab names of imports carry "@GLIBC_..." in the file; the view
	 * hands them out without the version. */
	s = qh_elf_sym_find(e, QH_SYMTAB_SYMTAB, "__stack_chk_fail");
	assert_non_null(s);
	assert_false(s->defined);
	assert_null(strchr(s->name, '@'));
	/* Code bytes of main through the vaddr map. */
	s = qh_elf_defines(e, "main");
	assert_non_null(qh_elf_bytes_at_vaddr(e, s->value, s->size, &err));
	assert_null(qh_elf_bytes_at_vaddr(e, 0xffffffff00000000ull, 4, &err));
	qh_elf_close(e);
}

/* The streamed symbols (qh_elf_sym_foreach, read straight from the file)
 * are the decoded ones (qh_elf_sym), before and after decoding, on 64-bit
 * little-endian, 64-bit big-endian and 32-bit files. */
struct sym_copy {
	char **names;
	unsigned char *defined;
	size_t n, cap;
};

static int copy_sym(const struct qh_elf_symbol *s, void *ctx)
{
	struct sym_copy *c = ctx;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->names = realloc(c->names, c->cap * sizeof(*c->names));
		c->defined = realloc(c->defined, c->cap);
		assert_non_null(c->names);
		assert_non_null(c->defined);
	}
	c->names[c->n] = strdup(s->name);
	c->defined[c->n++] = s->defined;
	return 0;
}

static void expect_same_symbols(struct qh_elf *e, enum qh_elf_symtab which,
				const struct sym_copy *c)
{
	assert_int_equal(c->n, qh_elf_nsyms(e, which));
	for (size_t i = 0; i < c->n; i++) {
		const struct qh_elf_symbol *s = qh_elf_sym(e, which, i);

		assert_non_null(s);
		assert_string_equal(c->names[i], s->name);
		assert_int_equal(c->defined[i], s->defined);
	}
}

static void sym_copy_free(struct sym_copy *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->names[i]);
	free(c->names);
	free(c->defined);
	memset(c, 0, sizeof(*c));
}

static void test_streamed_symbols(void **state)
{
	static const char *const fixtures[] = { "gcc-ssp", "s390x", "i686" };
	static const enum qh_elf_symtab tables[] = { QH_SYMTAB_DYNSYM,
						     QH_SYMTAB_SYMTAB };

	(void)state;
	for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
		struct qh_error err = { "" };
		struct qh_elf *e = qh_elf_open(fixture_path(fixtures[f]), &err);
		struct sym_copy before[2] = { { 0 } }, after = { 0 };
		bool versioned = false;

		assert_non_null(e);
		for (int t = 0; t < 2; t++) {
			assert_int_equal(qh_elf_sym_foreach(e, tables[t], copy_sym,
							    &before[t]), 0);
			assert_true(before[t].n > 1);
		}
		/* .symtab has "name@VERSION" imports in the file: streamed
		 * names come without the version, like decoded ones */
		for (size_t i = 0; i < before[1].n; i++)
			versioned |= strcmp(before[1].names[i], "__stack_chk_fail") == 0;
		assert_true(versioned);
		for (int t = 0; t < 2; t++) {
			expect_same_symbols(e, tables[t], &before[t]);
			/* decoded now: the stream reads the array */
			assert_int_equal(qh_elf_sym_foreach(e, tables[t], copy_sym,
							    &after), 0);
			expect_same_symbols(e, tables[t], &after);
			sym_copy_free(&after);
			sym_copy_free(&before[t]);
		}
		assert_null(qh_elf_deferred_error(e));
		qh_elf_close(e);
	}
}

static void test_big_endian_and_32bit(void **state)
{
	struct qh_error err = { "" };
	struct qh_elf *e = qh_elf_open(fixture_path("s390x"), &err);
	const char *needed[4];

	(void)state;
	assert_non_null(e);
	assert_true(qh_elf_big_endian(e));
	assert_string_equal(qh_elf_machine_name(e), "s390x");
	assert_true(qh_elf_imports(e, "__stack_chk_fail"));
	assert_int_equal(qh_elf_dyn_strings(e, DT_NEEDED, needed, 4), 1);
	qh_elf_close(e);
	e = qh_elf_open(fixture_path("i686"), &err);
	assert_non_null(e);
	assert_int_equal(qh_elf_class(e), 32);
	assert_string_equal(qh_elf_machine_name(e), "i386");
	qh_elf_close(e);
}

static void test_gnu_properties(void **state)
{
	struct qh_error err = { "" };
	struct qh_elf_gnu_props p;
	struct qh_elf *e = qh_elf_open(fixture_path("gcc-cet"), &err);

	(void)state;
	assert_non_null(e);
	assert_int_equal(qh_elf_gnu_properties(e, &p, &err), 0);
	assert_true(p.found && p.has_x86_feature_1);
	assert_true(p.x86_feature_1 & QH_X86_FEATURE_1_IBT);
	assert_true(p.x86_feature_1 & QH_X86_FEATURE_1_SHSTK);
	qh_elf_close(e);
	e = qh_elf_open(fixture_path("aarch64-object"), &err);
	assert_non_null(e);
	assert_int_equal(qh_elf_gnu_properties(e, &p, &err), 0);
	assert_true(p.has_aarch64_feature_1);
	assert_int_equal(p.aarch64_feature_1 &
			 (QH_AARCH64_FEATURE_1_BTI | QH_AARCH64_FEATURE_1_PAC),
			 QH_AARCH64_FEATURE_1_BTI | QH_AARCH64_FEATURE_1_PAC);
	qh_elf_close(e);
}

/* ---- malformed inputs: each must fail cleanly with its own message ---- */

static unsigned char *load(const char *name, size_t *size)
{
	FILE *f = fopen(fixture_path(name), "rb");
	unsigned char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static void put16(unsigned char *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }

static void expect_error(const unsigned char *buf, size_t size,
			 const char *needle)
{
	struct qh_error err = { "" };
	struct qh_elf *e = qh_elf_open_memory(buf, size, "bad", &err);

	if (e)
		fail_msg("malformed input accepted (expected '%s')", needle);
	if (!strstr(err.msg, needle))
		fail_msg("error '%s' does not mention '%s'", err.msg, needle);
}

static void test_malformed_corpus(void **state)
{
	size_t size;
	unsigned char *good = load("gcc-relro-full", &size);
	unsigned char *b = malloc(size);
	Elf64_Ehdr eh;

	(void)state;
	assert_non_null(b);
	memcpy(&eh, good, sizeof(eh));

	expect_error(good, 0, "empty file");
	expect_error((const unsigned char *)"#!/bin/sh\n", 10, "not an ELF");
	/* Truncated inside the ELF header. */
	expect_error(good, 20, "ELF header");
	/* Truncated after the header: segments now lie outside the file. */
	expect_error(good, 200, "outside the file");

	/* Program header table beyond the end of the file. */
	memcpy(b, good, size);
	put64(b + offsetof(Elf64_Ehdr, e_phoff), size - 8);
	expect_error(b, size, "program header");

	/* e_phnum so large the table cannot fit. */
	memcpy(b, good, size);
	put16(b + offsetof(Elf64_Ehdr, e_phnum), 0xfffe);
	expect_error(b, size, "program header");

	/* e_shnum overflow (and e_shoff pointing near the end). */
	memcpy(b, good, size);
	put16(b + offsetof(Elf64_Ehdr, e_shnum), 0xfeff);
	expect_error(b, size, "section header");

	/* A section whose name offset lies outside .shstrtab. */
	memcpy(b, good, size);
	put32(b + eh.e_shoff + 1 * sizeof(Elf64_Shdr) +
		      offsetof(Elf64_Shdr, sh_name), 0x7fffffff);
	expect_error(b, size, "name offset");

	/* e_shstrndx out of range. */
	memcpy(b, good, size);
	put16(b + offsetof(Elf64_Ehdr, e_shstrndx), (uint16_t)(eh.e_shnum + 5));
	expect_error(b, size, "section");

	/* Bad class byte. */
	memcpy(b, good, size);
	b[EI_CLASS] = 7;
	expect_error(b, size, "class");

	free(b);
	free(good);
}

/* Index of the first program header of `type` in an ELF64 LE image. */
static size_t phdr_index(const unsigned char *b, uint32_t type)
{
	Elf64_Ehdr eh;

	memcpy(&eh, b, sizeof(eh));
	for (size_t i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, b + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == type)
			return i;
	}
	fail_msg("no program header of type %#x", type);
	return 0;
}

/* Odd but valid: what the kernel runs is analysed. */
static void test_odd_but_valid(void **state)
{
	size_t size, i;
	unsigned char *good = load("gcc-relro-full", &size);
	unsigned char *b = malloc(size);
	struct qh_error err = { "" };
	struct qh_elf *e;
	Elf64_Ehdr eh;
	unsigned char *ph;

	(void)state;
	assert_non_null(b);
	memcpy(&eh, good, sizeof(eh));

	/* A segment that reads nothing, its p_offset far past the end. */
	memcpy(b, good, size);
	i = phdr_index(b, PT_NOTE);
	ph = b + eh.e_phoff + i * sizeof(Elf64_Phdr);
	put32(ph + offsetof(Elf64_Phdr, p_type), PT_LOAD);
	put64(ph + offsetof(Elf64_Phdr, p_offset), size + 0x100000);
	put64(ph + offsetof(Elf64_Phdr, p_filesz), 0);
	e = qh_elf_open_memory(b, size, "zero-seg", &err);
	if (!e)
		fail_msg("zero-size segment past the end refused: %s", err.msg);
	assert_null(qh_elf_debug_file(e));
	qh_elf_close(e);
	/* ... but one byte of it is an error, named as before. */
	put64(ph + offsetof(Elf64_Phdr, p_filesz), 1);
	expect_error(b, size, "segment");

	/* An empty section may point anywhere too. */
	memcpy(b, good, size);
	put64(b + eh.e_shoff + 1 * sizeof(Elf64_Shdr) +
		      offsetof(Elf64_Shdr, sh_size), 0);
	put64(b + eh.e_shoff + 1 * sizeof(Elf64_Shdr) +
		      offsetof(Elf64_Shdr, sh_offset), size + 0x100000);
	e = qh_elf_open_memory(b, size, "zero-sec", &err);
	if (!e)
		fail_msg("empty section past the end refused: %s", err.msg);
	qh_elf_close(e);

	/* e_ident[EI_VERSION] 0: read as 1, with a warning, the caller's
	 * buffer untouched (the image is a copy). */
	memcpy(b, good, size);
	b[EI_VERSION] = 0;
	e = qh_elf_open_memory(b, size, "ei-version", &err);
	if (!e)
		fail_msg("EI_VERSION 0 refused: %s", err.msg);
	assert_int_equal(qh_elf_nwarnings(e), 1);
	assert_non_null(strstr(qh_elf_warning(e, 0), "EI_VERSION"));
	assert_null(qh_elf_warning(e, 1));
	assert_int_equal(b[EI_VERSION], 0);
	qh_elf_close(e);
	e = qh_elf_open_memory(good, size, "good", &err);
	assert_non_null(e);
	assert_int_equal(qh_elf_nwarnings(e), 0);
	qh_elf_close(e);
	free(b);
	free(good);
}

/* objcopy --only-keep-debug output: recognised, its missing segment
 * contents (PT_INTERP, PT_DYNAMIC, and code past its end) no error. */
static void test_separate_debug_file(void **state)
{
	static const char *const fixtures[] = { "keep-debug",
						"keep-debug-static" };
	struct qh_error err = { "" };

	(void)state;
	for (size_t k = 0; k < QH_ARRAY_LEN(fixtures); k++) {
		struct qh_elf *e = qh_elf_open(fixture_path(fixtures[k]), &err);

		if (!e)
			fail_msg("%s: %s", fixtures[k], err.msg);
		assert_non_null(qh_elf_debug_file(e));
		assert_null(qh_elf_interp(e));
		assert_int_equal(qh_elf_ndyn(e), 0);
		qh_elf_close(e);
	}
	for (size_t k = 0; k < 3; k++) {
		static const char *const normal[] = { "gcc-pie", "gcc-static",
						      "s390x" };
		struct qh_elf *e = qh_elf_open(fixture_path(normal[k]), &err);

		assert_non_null(e);
		assert_null(qh_elf_debug_file(e));
		qh_elf_close(e);
	}
}

/* qh_elf_sym_foreach_global skips exactly the leading locals, and only
 * while sh_info tells the truth. */
struct bind_count {
	size_t n, local;
};

static int count_bind(const struct qh_elf_symbol *s, void *ctx)
{
	struct bind_count *c = ctx;

	c->n++;
	c->local += s->bind == STB_LOCAL;
	return 0;
}

static void test_global_symbols(void **state)
{
	static const char *const fixtures[] = { "gcc-ssp", "s390x", "i686" };
	struct qh_error err = { "" };
	struct bind_count all = { 0 }, globals = { 0 };
	const struct qh_elf_section *symtab;
	unsigned char *b;
	struct qh_elf *e;
	size_t size;
	unsigned char *shdr;

	(void)state;
	for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
		e = qh_elf_open(fixture_path(fixtures[f]), &err);
		assert_non_null(e);
		memset(&all, 0, sizeof(all));
		memset(&globals, 0, sizeof(globals));
		qh_elf_sym_foreach(e, QH_SYMTAB_SYMTAB, count_bind, &all);
		qh_elf_sym_foreach_global(e, QH_SYMTAB_SYMTAB, count_bind,
					  &globals);
		assert_true(all.local > 1);
		assert_int_equal(globals.local, 0);
		assert_int_equal(globals.n, all.n - all.local);
		qh_elf_close(e);
	}
	/* sh_info one past the last local: the first global would be
	 * skipped, so the whole table is walked */
	b = load("gcc-ssp", &size);
	e = qh_elf_open_memory(b, size, "ok", &err);
	assert_non_null(e);
	symtab = qh_elf_section_by_type(e, SHT_SYMTAB);
	assert_non_null(symtab);
	memset(&all, 0, sizeof(all));
	qh_elf_sym_foreach(e, QH_SYMTAB_SYMTAB, count_bind, &all);
	assert_int_equal(symtab->hdr.sh_info, all.local);
	shdr = b + ((const Elf64_Ehdr *)b)->e_shoff +
	       symtab->index * sizeof(Elf64_Shdr);
	qh_elf_close(e);
	put32(shdr + offsetof(Elf64_Shdr, sh_info), (uint32_t)all.local + 1);
	e = qh_elf_open_memory(b, size, "lying sh_info", &err);
	assert_non_null(e);
	memset(&globals, 0, sizeof(globals));
	qh_elf_sym_foreach_global(e, QH_SYMTAB_SYMTAB, count_bind, &globals);
	assert_int_equal(globals.n, qh_elf_nsyms(e, QH_SYMTAB_SYMTAB));
	qh_elf_close(e);
	free(b);
}

/* .gnu.hash: every symbol from qh_elf_dynsym_hashed_from() on is found by
 * name, every import lies below it, and a table that does not fit its
 * section is not used (the walk then covers the whole .dynsym). */
static void test_gnu_hash_lookup(void **state)
{
	static const char *const fixtures[] = { "gcc-shared", "clang-shared",
						"s390x-shared", "textrel" };
	struct qh_error err = { "" };
	struct qh_elf_symbol found;
	const struct qh_elf_section *gh;
	struct qh_elf *e;
	unsigned char *b;
	size_t size, n, off;

	(void)state;
	for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
		size_t from;

		e = qh_elf_open(fixture_path(fixtures[f]), &err);
		assert_non_null(e);
		n = qh_elf_nsyms(e, QH_SYMTAB_DYNSYM);
		from = qh_elf_dynsym_hashed_from(e);
		assert_true(from > 0 && from < n);
		for (size_t i = 1; i < n; i++) {
			const struct qh_elf_symbol *s =
				qh_elf_sym(e, QH_SYMTAB_DYNSYM, i);

			if (i < from)
				continue;
			assert_true(s->defined);
			assert_true(qh_elf_dynsym_hashed_lookup(e, s->name,
								&found));
			assert_string_equal(found.name, s->name);
			assert_int_equal(found.value, s->value);
		}
		for (size_t i = from; i < n; i++)
			assert_true(qh_elf_sym(e, QH_SYMTAB_DYNSYM, i)->defined);
		assert_false(qh_elf_dynsym_hashed_lookup(e, "qhard_no_such_symbol",
							 &found));
		/* an import is never found through the hash */
		assert_false(qh_elf_dynsym_hashed_lookup(e, "__stack_chk_fail",
							 &found));
		qh_elf_close(e);
	}
	/* symoffset past the table: no hash, every symbol walked */
	b = load("gcc-shared", &size);
	e = qh_elf_open_memory(b, size, "ok", &err);
	assert_non_null(e);
	gh = qh_elf_section_by_type(e, SHT_GNU_HASH);
	assert_non_null(gh);
	off = gh->hdr.sh_offset;
	n = qh_elf_nsyms(e, QH_SYMTAB_DYNSYM);
	assert_true(qh_elf_dynsym_hashed_lookup(e, "fixture_lib_len", &found));
	qh_elf_close(e);
	put32(b + off + 4, (uint32_t)n + 5);
	e = qh_elf_open_memory(b, size, "bad symoffset", &err);
	assert_non_null(e);
	assert_int_equal(qh_elf_dynsym_hashed_from(e), n);
	assert_false(qh_elf_dynsym_hashed_lookup(e, "fixture_lib_len", &found));
	qh_elf_close(e);
	free(b);
}

static void test_symbol_name_out_of_range(void **state)
{
	size_t size;
	unsigned char *b = load("gcc-ssp", &size);
	struct qh_error err = { "" };
	struct qh_elf *e = qh_elf_open_memory(b, size, "ok", &err);
	const struct qh_elf_section *dynsym;

	(void)state;
	assert_non_null(e);
	dynsym = qh_elf_section_by_type(e, SHT_DYNSYM);
	assert_non_null(dynsym);
	/* Symbol 1's st_name: first field of Elf64_Sym. */
	put32(b + dynsym->hdr.sh_offset + sizeof(Elf64_Sym), 0x7ffffff0);
	qh_elf_close(e);
	expect_error(b, size, "name offset");
	free(b);
}

static void test_files_that_are_not_elf(void **state)
{
	struct qh_error err = { "" };
	struct qh_elf *e;
	char *target;
	bool not_elf;
	char dir[] = "/tmp/qhard-elf.XXXXXX";
	char path[256];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_null(qh_elf_open(dir, &err));
	assert_non_null(strstr(err.msg, "directory"));
	snprintf(path, sizeof(path), "%s/empty", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_null(qh_elf_open(path, &err));
	assert_non_null(strstr(err.msg, "empty"));
	unlink(path);
	snprintf(path, sizeof(path), "%s/dangling", dir);
	assert_int_equal(symlink("/nonexistent/qhard", path), 0);
	assert_null(qh_elf_open(path, &err));
	assert_non_null(strstr(err.msg, "No such file"));
	/* a walk entry that is (now) a symlink or gone is no input: not
	 * followed, no error */
	err.msg[0] = '\0';
	not_elf = false;
	assert_null(qh_elf_open_ex(path, 0, &not_elf, &err));
	assert_true(not_elf);
	assert_string_equal(err.msg, "");
	unlink(path);
	target = realpath(fixture_path("gcc-ssp"), NULL);
	assert_non_null(target);
	assert_int_equal(symlink(target, path), 0);
	free(target);
	not_elf = false;
	assert_null(qh_elf_open_ex(path, 0, &not_elf, &err));
	assert_true(not_elf);
	e = qh_elf_open(path, &err); /* named by the user: followed */
	assert_non_null(e);
	qh_elf_close(e);
	unlink(path);
	not_elf = false;
	assert_null(qh_elf_open_ex(path, 0, &not_elf, &err));
	assert_true(not_elf);
	assert_string_equal(err.msg, "");
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_and_segments),
		cmocka_unit_test(test_dynamic_strings_and_symbols),
		cmocka_unit_test(test_streamed_symbols),
		cmocka_unit_test(test_global_symbols),
		cmocka_unit_test(test_gnu_hash_lookup),
		cmocka_unit_test(test_big_endian_and_32bit),
		cmocka_unit_test(test_gnu_properties),
		cmocka_unit_test(test_malformed_corpus),
		cmocka_unit_test(test_odd_but_valid),
		cmocka_unit_test(test_separate_debug_file),
		cmocka_unit_test(test_symbol_name_out_of_range),
		cmocka_unit_test(test_files_that_are_not_elf),
	};

	if (fixtures_build() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
