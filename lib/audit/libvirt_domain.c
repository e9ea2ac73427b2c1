/* libvirt_domain.c - the disks and seclabels of a libvirt domain XML (see
 * libvirt_domain.h), read with expat's streaming parser: the element path
 * is kept as a small stack, and only these matter:
 *
 *   domain/name                               the domain's name (text)
 *   domain/seclabel[@type,@model,@relabel]    domain-wide labelling
 *   domain/devices/disk                       one disk ...
 *     source[@file|@dev]                      ... its image
 *     readonly, shareable                     ... its sharing
 *     source/seclabel[@relabel], seclabel     ... per-disk labelling
 *     backingStore/.../source[@file|@dev]     ... its backing chain
 */
#include "libvirt_domain.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

struct parse {
	XML_Parser p;
	struct qh_lvdomain *d;
	const char *what;     /* for messages */
	const char *stack[MAX_DEPTH]; /* element names we care about, else "" */
	int depth;            /* elements open, from the document root */
	int domain_depth;     /* depth of <domain>, 0 before it */
	int disk_depth;       /* depth of the open <disk>, 0 outside */
	size_t disk;          /* its entry in d->disks */
	int backing;          /* <backingStore> elements open in the disk */
	struct qh_buf text;   /* <name> text */
	bool in_name, failed;
	struct qh_error *err;
};

static void fail(struct parse *ps, const char *msg)
{
	if (!ps->failed)
		qh_error_set(ps->err, "%s:%lu: %s", ps->what,
			     (unsigned long)XML_GetCurrentLineNumber(ps->p), msg);
	ps->failed = true;
	XML_StopParser(ps->p, XML_FALSE);
}

static const char *attr(const XML_Char **a, const char *name)
{
	for (; a && a[0]; a += 2)
		if (strcmp(a[0], name) == 0)
			return a[1];
	return NULL;
}

static bool parent_is(const struct parse *ps, const char *name)
{
	return ps->depth >= 2 && strcmp(ps->stack[ps->depth - 2], name) == 0;
}

static int set(char **field, const char *v)
{
	free(*field);
	*field = v ? qh_strdup(v) : NULL;
	return v && !*field ? -1 : 0;
}

static struct qh_lvdomain_disk *add_disk(struct parse *ps)
{
	struct qh_lvdomain *d = ps->d;

	if (qh_array_reserve((void **)&d->disks, &d->disks_cap, d->ndisks + 1,
			     sizeof(*d->disks)) < 0) {
		fail(ps, "out of memory");
		return NULL;
	}
	memset(&d->disks[d->ndisks], 0, sizeof(*d->disks));
	return &d->disks[d->ndisks++];
}

/* A <source> in a disk: the disk's own (its first), else one more image
 * it uses: a backing file (read-only) or a block-copy <mirror>. */
static void source(struct parse *ps, const XML_Char **a)
{
	struct qh_lvdomain_disk *disk = &ps->d->disks[ps->disk];
	const char *path = attr(a, "file") ? attr(a, "file") : attr(a, "dev");

	if (!path)
		return; /* a network disk, or a volume of a pool */
	if (disk->source) {
		bool shareable = disk->shareable;

		if (!(disk = add_disk(ps)))
			return;
		disk->readonly = ps->backing > 0;
		disk->shareable = shareable;
	}
	disk->line = (unsigned)XML_GetCurrentLineNumber(ps->p);
	if (set(&disk->source, path) < 0)
		fail(ps, "out of memory");
}

static void start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct parse *ps = ud;
	struct qh_lvdomain *d = ps->d;
	static const char *const known[] = {
		"domain", "domstatus", "name", "seclabel", "devices", "disk",
		"source", "readonly", "shareable", "backingStore",
	};
	const char *kept = "";

	if (ps->depth >= MAX_DEPTH)
		return fail(ps, "elements nested too deep");
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(el, known[i]) == 0)
			kept = known[i];
	ps->stack[ps->depth++] = kept;
	if (ps->depth == 1 && strcmp(el, "domain") && strcmp(el, "domstatus"))
		return fail(ps, "not a libvirt domain (root element is not <domain>)");
	if (!ps->domain_depth) {
		if (strcmp(el, "domain") == 0 && ps->depth <= 2)
			ps->domain_depth = ps->depth;
		return;
	}
	if (ps->depth == ps->domain_depth + 1 && strcmp(el, "name") == 0) {
		ps->in_name = true;
		qh_buf_reset(&ps->text);
	} else if (ps->depth == ps->domain_depth + 1 && strcmp(el, "seclabel") == 0) {
		const char *model = attr(a, "model"), *relabel = attr(a, "relabel");

		if (model && strcmp(model, "selinux") != 0)
			return; /* the DAC or AppArmor model's label */
		if (set(&d->seclabel_type, attr(a, "type")) < 0)
			return fail(ps, "out of memory");
		d->relabel_no = relabel && strcmp(relabel, "no") == 0;
	} else if (strcmp(el, "disk") == 0 && parent_is(ps, "devices") &&
		   ps->depth == ps->domain_depth + 2) {
		if (!add_disk(ps))
			return;
		ps->disk = d->ndisks - 1;
		ps->disk_depth = ps->depth;
		ps->backing = 0;
	} else if (ps->disk_depth) {
		struct qh_lvdomain_disk *disk = &d->disks[ps->disk];
		const char *relabel = attr(a, "relabel"), *model = attr(a, "model");

		if (strcmp(el, "backingStore") == 0)
			ps->backing++;
		else if (strcmp(el, "source") == 0)
			source(ps, a);
		else if (strcmp(el, "readonly") == 0 && ps->depth == ps->disk_depth + 1)
			disk->readonly = true;
		else if (strcmp(el, "shareable") == 0 && ps->depth == ps->disk_depth + 1)
			disk->shareable = true;
		else if (strcmp(el, "seclabel") == 0 && relabel &&
			 strcmp(relabel, "no") == 0 && (!model || strcmp(model, "selinux") == 0))
			/* on the source it sits in: the disk's, or a backing one's */
			d->disks[ps->backing ? d->ndisks - 1 : ps->disk].norelabel = true;
	}
}

static void end(void *ud, const XML_Char *el)
{
	struct parse *ps = ud;

	(void)el;
	if (ps->in_name) {
		ps->in_name = false;
		if (set(&ps->d->name, ps->text.data ? ps->text.data : "") < 0)
			fail(ps, "out of memory");
	}
	if (ps->disk_depth && strcmp(ps->stack[ps->depth - 1], "backingStore") == 0)
		ps->backing--;
	if (ps->depth == ps->disk_depth)
		ps->disk_depth = 0;
	ps->depth--;
}

static void text(void *ud, const XML_Char *s, int len)
{
	struct parse *ps = ud;

	if (ps->in_name && qh_buf_append(&ps->text, s, (size_t)len) < 0)
		fail(ps, "out of memory");
}

static void doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
		    const XML_Char *pubid, int has_internal_subset)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	fail(ud, "a DOCTYPE in a domain XML (libvirt writes none): refused");
}

struct qh_lvdomain *qh_lvdomain_parse(const char *xml, size_t len,
				      const char *name, struct qh_error *err)
{
	struct parse ps = { .what = name, .err = err };

	if (len > (size_t)INT32_MAX) {
		qh_error_set(err, "%s: too large", name);
		return NULL;
	}
	ps.d = calloc(1, sizeof(*ps.d));
	ps.p = XML_ParserCreate(NULL);
	if (!ps.d || !ps.p) {
		free(ps.d);
		if (ps.p)
			XML_ParserFree(ps.p);
		qh_error_set(err, "out of memory");
		return NULL;
	}
	XML_SetUserData(ps.p, &ps);
	XML_SetElementHandler(ps.p, start, end);
	XML_SetCharacterDataHandler(ps.p, text);
	XML_SetStartDoctypeDeclHandler(ps.p, doctype);
	if (XML_Parse(ps.p, xml, (int)len, XML_TRUE) == XML_STATUS_ERROR) {
		if (!ps.failed) /* else fail() said why */
			qh_error_set(err, "%s:%lu: %s", name,
				     (unsigned long)XML_GetCurrentLineNumber(ps.p),
				     XML_ErrorString(XML_GetErrorCode(ps.p)));
		ps.failed = true;
	} else if (!ps.failed && !ps.domain_depth) {
		qh_error_set(err, "%s: no <domain> element", name);
		ps.failed = true;
	} else if (!ps.failed && !ps.d->name) {
		qh_error_set(err, "%s: the domain has no <name>", name);
		ps.failed = true;
	}
	XML_ParserFree(ps.p);
	qh_buf_free(&ps.text);
	if (ps.failed) {
		qh_lvdomain_free(ps.d);
		return NULL;
	}
	return ps.d;
}

void qh_lvdomain_free(struct qh_lvdomain *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->ndisks; i++)
		free(d->disks[i].source);
	free(d->disks);
	free(d->name);
	free(d->seclabel_type);
	free(d);
}
