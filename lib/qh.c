/* qh.c - errors, buffers and small allocation helpers for libqhard. */
#include "qh.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (at most `avail` bytes), or 0. */
size_t qh_utf8_seq_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf; /* range of the second byte */

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0; /* continuation byte, overlong lead, or > U+10FFFF */
	if (c == 0xe0)
		lo = 0xa0; /* overlong */
	else if (c == 0xed)
		hi = 0x9f; /* surrogates */
	else if (c == 0xf0)
		lo = 0x90; /* overlong */
	else if (c == 0xf4)
		hi = 0x8f; /* > U+10FFFF */
	if (avail < len)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* Messages end up on terminals and in logs: control characters (except
 * newline and tab, which multi-line messages use), C1 controls and bytes
 * that are not UTF-8 are written as \xNN, the text report's rule
 * (json_util.h), so a hostile key, value or file name quoted in an error
 * cannot send escape sequences. Every message is built by the three
 * functions below, so this is the one place. In place, never allocates,
 * idempotent (qh_error_prefix re-escapes an escaped message unchanged). */
static void escape_msg(struct qh_error *err)
{
	char out[sizeof(err->msg)];
	const unsigned char *p = (const unsigned char *)err->msg;
	size_t o = 0, n = strlen(err->msg);

	while (n) {
		size_t len = qh_utf8_seq_len(p, n);
		bool ctl = len == 0 ||
			   (len == 1 && ((p[0] < 0x20 && p[0] != '\n' && p[0] != '\t') ||
					 p[0] == 0x7f)) ||
			   (len == 2 && p[0] == 0xc2 && p[1] <= 0x9f);

		if (len == 0)
			len = 1;
		if (ctl) {
			if (o + 4 * len + 1 > sizeof(out))
				break;
			for (size_t i = 0; i < len; i++)
				o += (size_t)snprintf(out + o, 5, "\\x%02x", p[i]);
		} else {
			if (o + len + 1 > sizeof(out))
				break;
			memcpy(out + o, p, len);
			o += len;
		}
		p += len;
		n -= len;
	}
	out[o] = '\0';
	memcpy(err->msg, out, o + 1);
}

int qh_error_set(struct qh_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	escape_msg(err);
	return -1;
}

int qh_error_errno(struct qh_error *err, int errno_value, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, ": %s",
		 strerror(errno_value));
	escape_msg(err);
	return -1;
}

int qh_error_prefix(struct qh_error *err, const char *fmt, ...)
{
	char old[sizeof(err->msg)];
	va_list ap;
	size_t len;

	if (!err)
		return -1;
	memcpy(old, err->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, "%s", old);
	escape_msg(err);
	return -1;
}

void qh_error_clear(struct qh_error *err)
{
	if (err)
		err->msg[0] = '\0';
}

int qh_array_reserve(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t newcap;
	void *p;

	if (need <= *cap)
		return 0;
	newcap = *cap ? *cap : 8;
	while (newcap < need) {
		if (newcap > SIZE_MAX / 2)
			return -1;
		newcap *= 2;
	}
	if (elem && newcap > SIZE_MAX / elem)
		return -1;
	p = realloc(*arr, newcap * elem);
	if (!p)
		return -1;
	*arr = p;
	*cap = newcap;
	return 0;
}

int qh_buf_grow(struct qh_buf *b, size_t extra)
{
	void *data = b->data;

	if (extra > SIZE_MAX - b->len - 1)
		return -1;
	if (qh_array_reserve(&data, &b->cap, b->len + extra + 1, 1) < 0)
		return -1;
	b->data = data;
	/* Keep the "NUL-terminated when data != NULL" promise even when the
	 * caller grows first and then appends nothing (escaping ""). */
	b->data[b->len] = '\0';
	return 0;
}

int qh_buf_append(struct qh_buf *b, const void *data, size_t len)
{
	if (qh_buf_grow(b, len) < 0)
		return -1;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int qh_buf_puts(struct qh_buf *b, const char *s)
{
	return qh_buf_append(b, s, strlen(s));
}

int qh_buf_putc(struct qh_buf *b, char c)
{
	return qh_buf_append(b, &c, 1);
}

int qh_buf_vprintf(struct qh_buf *b, const char *fmt, va_list ap)
{
	size_t room = b->data ? b->cap - b->len : 0;
	va_list copy;
	int n;

	/* One pass when it fits the room there is (the usual case once a
	 * buffer has grown), a second one otherwise. */
	va_copy(copy, ap);
	n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, copy);
	va_end(copy);
	if (n >= 0 && (size_t)n < room) {
		b->len += (size_t)n;
		return 0;
	}
	if (room)
		b->data[b->len] = '\0'; /* undo a cut-off first pass */
	if (n < 0 || qh_buf_grow(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int qh_buf_printf(struct qh_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = qh_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void qh_buf_reset(struct qh_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *qh_buf_detach(struct qh_buf *b)
{
	char *s = b->data;

	if (!s)
		s = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

char *qh_vstrdupf(const char *fmt, va_list ap)
{
	struct qh_buf b = QH_BUF_INIT;

	if (qh_buf_vprintf(&b, fmt, ap) < 0) {
		qh_buf_free(&b);
		return NULL;
	}
	return qh_buf_detach(&b);
}

void qh_buf_free(struct qh_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *qh_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}
