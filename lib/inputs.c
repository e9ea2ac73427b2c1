/* inputs.c - operand kinds and the ELF files of a directory (see
 * inputs.h). */
#include "inputs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "pkg/pkg.h"
#include "walk.h"

/* The first bytes say the kind: ELF magic, a package's container magic,
 * or JSON's '{' after blanks. */
static enum qh_input_kind classify(const unsigned char *b, size_t len)
{
	size_t i = 0;

	if (len >= 4 && memcmp(b, "\x7f" "ELF", 4) == 0)
		return QH_INPUT_ELF;
	if (qh_pkg_detect(b, len) != QH_PKG_NONE)
		return QH_INPUT_PACKAGE;
	while (i < len && strchr(" \t\r\n", b[i]))
		i++;
	return i < len && b[i] == '{' ? QH_INPUT_REPORT : QH_INPUT_OTHER;
}

/* 0, or the errno value of the failed open/read. */
static int read_kind(const char *path, enum qh_input_kind *kind)
{
	unsigned char head[512];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	ssize_t n;
	int e;

	if (fd < 0)
		return errno;
	n = read(fd, head, sizeof(head));
	e = errno;
	close(fd);
	if (n < 0)
		return e;
	*kind = classify(head, (size_t)n);
	return 0;
}

int qh_input_kind_of(const char *path, enum qh_input_kind *kind,
		     struct qh_error *err)
{
	int e = read_kind(path, kind);

	if (!e)
		return 0;
	qh_error_errno(err, e, "%s", path);
	errno = e; /* for callers that word the message themselves */
	return -1;
}

struct elf_walk {
	qh_input_elf_fn fn;
	void *ctx;
};

static int on_file(const char *path, const char *error, void *vctx)
{
	struct elf_walk *w = vctx;
	enum qh_input_kind kind;
	int e;

	if (error)
		return w->fn(path, error, w->ctx);
	if ((e = read_kind(path, &kind)) != 0)
		return w->fn(path, strerror(e), w->ctx);
	return kind == QH_INPUT_ELF ? w->fn(path, NULL, w->ctx) : 0;
}

int qh_inputs_walk_elf(const char *dir, qh_input_elf_fn fn, void *ctx,
		       struct qh_error *err)
{
	struct elf_walk w = { fn, ctx };

	return qh_walk(dir, on_file, &w, err);
}
