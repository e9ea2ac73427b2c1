/* json_util.h - turning untrusted bytes into text every output format can
 * carry, and the report model into jansson values.
 *
 * THE ESCAPING RULE (one rule, used by every emitter):
 *   Strings from analysed files (paths, symbol names, config values) may be
 *   any bytes. Valid UTF-8 is kept as is. Each byte that is not part of a
 *   valid UTF-8 sequence (stray continuation bytes, overlong forms, UTF-16
 *   surrogates, code points above U+10FFFF, truncated sequences) becomes the
 *   four ASCII characters "\xNN" (NN = lowercase hex of the byte).
 *   With QH_ESC_CONTROL (text, CSV, XML attributes, markdown) control
 *   characters (U+0000-U+001F, U+007F and the C1 range U+0080-U+009F, whose
 *   bytes are escaped one by one: "\xc2\x9b") become "\xNN" as well, so a
 *   path can never break a line, a row or a terminal; QH_ESC_KEEP_NL keeps
 *   '\n' and '\t' (XML element text).
 *   The rule is lossless for ASCII and valid UTF-8 apart from those control
 *   characters. A name that literally contains the text "\x41" reads the
 *   same as one holding the byte 0x41 escaped: consumers needing the exact
 *   bytes use SARIF's artifact URI, which percent-encodes the raw bytes.
 *   JSON/SARIF output keeps control characters and lets jansson write them
 *   as JSON escapes ("\n", "\u001b"), which is lossless.
 */
#ifndef QHARD_JSON_UTIL_H
#define QHARD_JSON_UTIL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "qh.h"
#include "report.h"

enum {
	QH_ESC_CONTROL = 1 << 0, /* control characters become \xNN too */
	QH_ESC_KEEP_NL = 1 << 1, /* ...except '\n' and '\t' */
	QH_ESC_XML = 1 << 2,     /* also U+FFFE/U+FFFF (not XML characters) */
};

/* Append s (may be NULL: appends nothing) escaped per the rule above. */
int qh_escape_append(struct qh_buf *b, const char *s, unsigned flags);
/* Escaped copy (malloc'd) or NULL on ENOMEM; NULL input gives NULL. */
char *qh_escape_dup(const char *s, unsigned flags);

/* A JSON string of s escaped per the rule (JSON null for NULL s). */
json_t *qh_json_str(const char *s);
/* Deep copy of v in which every string and object key is valid UTF-8. */
json_t *qh_json_sanitize(const json_t *v);

/* The contract's JSON for one result (see CONTRACT.md); NULL on ENOMEM.
 * Keys in a fixed order: path, type, machine, class, endian, checks, error;
 * a check: status, then raw_status only when policy changed the verdict
 * (what the check itself found), value, evidence, then reason, fix,
 * severity, waived_by, locations only when set. A check id met again in
 * the same result is written as "id#2", "id#3"... rather than lost. */
json_t *qh_json_result(const struct qh_result *res);
json_t *qh_json_summary(const struct qh_summary *s);

/* 64-bit FNV-1a over the fields (each followed by a 0 byte; NULL as "").
 * Stable across runs and machines: SARIF fingerprints use it. */
uint64_t qh_fnv1a64(const char *const *fields, size_t n);

#endif
