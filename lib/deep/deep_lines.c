/* deep_lines.c - file:line lookups through libbfd (see deep_lines.h).
 * libbfd keeps global state (bfd_init, error handler), so every call into
 * it holds one process-wide lock: checksec may analyse files in parallel.
 *
 * libbfd talks on stderr: through its error handler, and (binutils 2.40)
 * bfd_check_format prints the warnings it cached with fputs(stderr)
 * whatever handler is set ("BFD: warning: F has a section extending past
 * end of file"). A library must not print, so while bfd_lock is held
 * stderr is a memory stream, libbfd's own handler formats its messages
 * there (bfd_set_error_handler(NULL): %pB/%pA need bfd's formatter), and
 * the text goes to the caller's messages: the result's warnings. qhard
 * writes nothing else to stderr while files are analysed, except an
 * out-of-memory report, which would then land in those messages.
 */
#include "deep_lines.h"

#include <bfd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t bfd_lock = PTHREAD_MUTEX_INITIALIZER;
static bool bfd_ready;

static void quiet_handler(const char *fmt, va_list ap)
{
	(void)fmt;
	(void)ap;
}

struct deep_lines {
	bfd *main;   /* the analysed file (needed to follow its links) */
	bfd *dwarf;  /* the file holding the DWARF: main or the debug file */
	char *source;
	char *file;  /* last answer (bfd's strings may not outlive a call) */
	struct qh_buf *messages; /* the caller's; NULL: dropped */
};

/* stderr redirected into memory for one locked stretch of libbfd calls */
struct capture {
	FILE *saved, *mem;
	char *buf;
	size_t len;
};

/* Call with bfd_lock held. */
static void capture_begin(struct capture *c)
{
	memset(c, 0, sizeof(*c));
	c->mem = open_memstream(&c->buf, &c->len);
	if (!c->mem) {
		/* no memory for the stream: drop what libbfd's handler says
		 * (its format-check warnings would still get through) */
		bfd_set_error_handler(quiet_handler);
		return;
	}
	c->saved = stderr;
	stderr = c->mem;
}

/* Call with bfd_lock held; appends what was said to *sink (may be NULL). */
static void capture_end(struct capture *c, struct qh_buf *sink)
{
	if (!c->mem) {
		bfd_set_error_handler(NULL);
		return;
	}
	stderr = c->saved;
	fclose(c->mem);
	if (sink && c->len)
		(void)qh_buf_append(sink, c->buf, c->len); /* ENOMEM: lost */
	free(c->buf);
}

static bool has_debug_line(bfd *b)
{
	return bfd_get_section_by_name(b, ".debug_line") != NULL &&
	       bfd_get_section_by_name(b, ".debug_info") != NULL;
}

static bfd *open_object(const char *path)
{
	bfd *b = bfd_openr(path, NULL);

	if (!b)
		return NULL;
	if (!bfd_check_format(b, bfd_object)) {
		bfd_close(b);
		return NULL;
	}
	return b;
}

struct deep_lines *deep_lines_open(const char *path, const char *debug_root,
				   char *why, size_t whylen,
				   struct qh_buf *messages)
{
	struct deep_lines *l = NULL;
	const char *root = debug_root ? debug_root : "/usr/lib/debug";
	char *debug = NULL;
	struct capture cap;
	bfd *m;

	snprintf(why, whylen, "no DWARF line info in the file");
	if (!path || !*path)
		return NULL;
	pthread_mutex_lock(&bfd_lock);
	if (!bfd_ready) {
		bfd_init();
		bfd_set_error_handler(NULL); /* fprintf(stderr): captured */
		bfd_ready = true;
	}
	capture_begin(&cap);
	m = open_object(path);
	if (!m)
		goto out;
	l = calloc(1, sizeof(*l));
	if (!l) {
		bfd_close(m);
		goto out;
	}
	l->main = m;
	l->messages = messages;
	if (has_debug_line(m)) {
		l->dwarf = m;
		l->source = qh_strdup(path);
		goto out;
	}
	debug = bfd_follow_build_id_debuglink(m, root);
	if (!debug)
		debug = bfd_follow_gnu_debuglink(m, root);
	if (debug) {
		bfd *d = open_object(debug);

		if (d && has_debug_line(d)) {
			l->dwarf = d;
			l->source = debug;
			debug = NULL;
			goto out;
		}
		if (d)
			bfd_close(d);
	}
	snprintf(why, whylen,
		 "no DWARF line info in the file, and no debug file by build-id or .gnu_debuglink under %s",
		 root);
	bfd_close(m);
	free(l);
	l = NULL;
out:
	free(debug);
	capture_end(&cap, messages);
	pthread_mutex_unlock(&bfd_lock);
	return l;
}

const char *deep_lines_source(const struct deep_lines *l)
{
	return l ? l->source : NULL;
}

struct find_sec {
	uint64_t addr;
	asection *sec;
};

static void match_section(bfd *b, asection *s, void *arg)
{
	struct find_sec *f = arg;

	(void)b;
	if (f->sec || !(bfd_section_flags(s) & SEC_CODE))
		return;
	if (f->addr >= bfd_section_vma(s) &&
	    f->addr - bfd_section_vma(s) < bfd_section_size(s))
		f->sec = s;
}

int deep_lines_find(struct deep_lines *l, uint64_t addr, const char **file,
		    unsigned *line)
{
	struct find_sec f = { addr, NULL };
	const char *bfile = NULL, *bfunc = NULL;
	unsigned bline = 0;
	struct capture cap;
	int rc = -1;

	if (!l)
		return -1;
	pthread_mutex_lock(&bfd_lock);
	capture_begin(&cap);
	bfd_map_over_sections(l->dwarf, match_section, &f);
	if (f.sec && bfd_find_nearest_line(l->dwarf, f.sec, NULL,
					   addr - bfd_section_vma(f.sec),
					   &bfile, &bfunc, &bline) &&
	    bfile && bline) {
		free(l->file);
		l->file = qh_strdup(bfile);
		if (l->file) {
			*file = l->file;
			*line = bline;
			rc = 0;
		}
	}
	capture_end(&cap, l->messages);
	pthread_mutex_unlock(&bfd_lock);
	return rc;
}

void deep_lines_close(struct deep_lines *l)
{
	struct capture cap;

	if (!l)
		return;
	pthread_mutex_lock(&bfd_lock);
	capture_begin(&cap);
	if (l->dwarf && l->dwarf != l->main)
		bfd_close(l->dwarf);
	bfd_close(l->main);
	capture_end(&cap, l->messages);
	pthread_mutex_unlock(&bfd_lock);
	free(l->source);
	free(l->file);
	free(l);
}

/* libbfd 2.40's DWARF line reader keeps a few small allocations past
 * bfd_close (inside _bfd_dwarf2_find_nearest_line); they are not ours to
 * free. LeakSanitizer reads this hook in `make asan` builds; other builds
 * never call it. */
const char *__lsan_default_suppressions(void);
__attribute__((used)) const char *__lsan_default_suppressions(void)
{
	return "leak:libbfd\n";
}
