/* qh.h - shared basics of libqhard: errors, growable buffers, allocation.
 *
 * House rules for everything under lib/:
 *  - never print, never exit, never abort on bad input;
 *  - every fallible call takes a caller-owned `struct qh_error *err` (may be
 *    NULL) and returns -1 / NULL with a message in it;
 *  - allocation failure is an error like any other (returned, not fatal).
 */
#ifndef QHARD_QH_H
#define QHARD_QH_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define QHARD_VERSION "0.1.0"
#define QHARD_SCHEMA 1

struct qh_error {
	char msg[1024];
};

/* Format a message into err (if non-NULL). Always returns -1 so callers can
 * write `return qh_error_set(err, "...")`. Control characters (but newline
 * and tab) and bytes that are not UTF-8 are written as \xNN in every
 * message, so one can be printed to a terminal as it is. */
int qh_error_set(struct qh_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Same, appending ": strerror(errno_value)". */
int qh_error_errno(struct qh_error *err, int errno_value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefix an existing message with context ("path: " + old message). */
int qh_error_prefix(struct qh_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void qh_error_clear(struct qh_error *err);

/* Growable byte/string buffer (always NUL-terminated when data != NULL). */
struct qh_buf {
	char *data;
	size_t len;
	size_t cap;
};

#define QH_BUF_INIT { NULL, 0, 0 }

int qh_buf_grow(struct qh_buf *b, size_t extra);
int qh_buf_append(struct qh_buf *b, const void *data, size_t len);
int qh_buf_puts(struct qh_buf *b, const char *s);
int qh_buf_putc(struct qh_buf *b, char c);
int qh_buf_printf(struct qh_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int qh_buf_vprintf(struct qh_buf *b, const char *fmt, va_list ap);
void qh_buf_reset(struct qh_buf *b);
/* Hand the string to the caller (never NULL on success: "" for empty). */
char *qh_buf_detach(struct qh_buf *b);
/* A new string formatted from fmt/ap, or NULL on out-of-memory. */
char *qh_vstrdupf(const char *fmt, va_list ap);
void qh_buf_free(struct qh_buf *b);

/* Length of the valid UTF-8 sequence at s (at most `avail` bytes), or 0. */
size_t qh_utf8_seq_len(const unsigned char *s, size_t avail);

/* strdup that tolerates NULL (returns NULL for NULL input). */
char *qh_strdup(const char *s);

/* Grow an array of `elem` sized items so that *cap >= need.
 * Returns 0 or -1 (ENOMEM, overflow); *arr is untouched on failure. */
int qh_array_reserve(void **arr, size_t *cap, size_t need, size_t elem);

#define QH_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
