/* qh.c - errors, buffers and small allocation helpers for libqhard. */
#include "qh.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int qh_error_set(struct qh_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
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
