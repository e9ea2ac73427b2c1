/* audit_svirt.c - sVirt on disk: the SELinux labels of the VMs' disk
 * images, read from each file's security.selinux attribute (never by
 * running a tool), against the labels of the running QEMU processes.
 *
 * Images come from the running QEMUs' command lines (qemu_cmdline.h) and
 * from libvirt's domain XMLs in /etc/libvirt/qemu (libvirt_domain.h),
 * matched by domain name (-name guest=NAME). Each image is judged once,
 * under its canonical path inside the root:
 *
 *  - an image of a running VM must be svirt_image_t with the category pair
 *    of that VM's QEMU (a <readonly/> one may be virt_content_t:s0 or
 *    svirt_image_t:s0, a <shareable/> one svirt_image_t:s0), and no other
 *    running VM may name it unless every one shares it
 *    (svirt-image-label);
 *  - an image of a stopped domain must not carry the pair of a running VM,
 *    whose QEMU could then open it, nor a pair left from an earlier run,
 *    which the next VM given that pair could (svirt-stale-label).
 *
 * Only where SELinux labels anything: SELinux enforcing, or a QEMU
 * labelled svirt_t running. relabel='no' and type='none' domains are
 * labelled by hand, and skipped with the reason. */
#include "audit_internal.h"
#include "libvirt_domain.h"
#include "selinux_context.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOMAINS "/etc/libvirt/qemu/*.xml"
#define LABEL_XATTR "security.selinux"

struct domain {
	char *file; /* /etc/libvirt/qemu/NAME.xml */
	struct qh_lvdomain *d;
	long running; /* index of its QEMU in the process list, -1 */
};

struct image {
	char *path;        /* canonical inside the root */
	const char *file;  /* where it is named (a domain XML), or NULL */
	unsigned line;
	size_t *users;     /* running QEMUs naming it (process indices) */
	size_t nusers, users_cap;
	bool writable;     /* one of them opens it read-write */
	bool shareable, handmade;
	const struct domain *stopped; /* a stopped domain naming it */
	bool missing;
};

struct svirt {
	struct audit_ctx *c;
	const struct audit_procs *procs;
	struct qh_secontext *ctx; /* per process; type[0] == 0: unlabelled */
	struct domain *doms;
	size_t ndoms;
	struct image *images;
	size_t nimages, images_cap;
};

static bool svirt_process(const struct qh_secontext *x)
{
	return x->pair && (strcmp(x->type, "svirt_t") == 0 ||
			   strcmp(x->type, "svirt_tcg_t") == 0);
}

static const char *vm_name(const struct svirt *s, size_t p)
{
	return s->procs->v[p].cmd.name ? s->procs->v[p].cmd.name : "(no -name)";
}

/* The image entry for a path named by a VM, created on first use; NULL
 * when the path leads out of the root or cannot be resolved (reported). */
static struct image *image_for(struct svirt *s, const char *named)
{
	struct audit_ctx *c = s->c;
	struct qh_error err = { "" };
	char *canon = NULL;
	bool missing = false;
	int rc;

	if (!named || named[0] != '/')
		return NULL;
	rc = qh_rootfs_stat(c->fs, named, 0, NULL, &canon, &err);
	if (rc == EXDEV) {
		audit_escape(c, named, err.msg);
		return NULL;
	}
	if (rc == ENOENT) {
		missing = true;
		canon = qh_strdup(named);
	} else if (rc) {
		audit_unreadable(c, named, err.msg);
		return NULL;
	}
	if (!canon) {
		c->oom = true;
		return NULL;
	}
	for (size_t i = 0; i < s->nimages; i++)
		if (strcmp(s->images[i].path, canon) == 0) {
			free(canon);
			return &s->images[i];
		}
	if (qh_array_reserve((void **)&s->images, &s->images_cap, s->nimages + 1,
			     sizeof(*s->images)) < 0) {
		free(canon);
		c->oom = true;
		return NULL;
	}
	memset(&s->images[s->nimages], 0, sizeof(*s->images));
	s->images[s->nimages].path = canon;
	s->images[s->nimages].missing = missing;
	return &s->images[s->nimages++];
}

static void add_user(struct svirt *s, struct image *im, size_t p, bool readonly)
{
	for (size_t i = 0; i < im->nusers; i++)
		if (im->users[i] == p) {
			im->writable |= !readonly;
			return;
		}
	if (qh_array_reserve((void **)&im->users, &im->users_cap, im->nusers + 1,
			     sizeof(*im->users)) < 0) {
		s->c->oom = true;
		return;
	}
	im->users[im->nusers++] = p;
	im->writable |= !readonly;
}

static void load_domains(struct svirt *s)
{
	char **files = NULL;
	size_t n = 0;

	if (qh_rootfs_glob(s->c->fs, DOMAINS, &files, &n, NULL) != 0 || !n)
		return;
	s->doms = calloc(n, sizeof(*s->doms));
	if (!s->doms) {
		s->c->oom = true;
		qh_rootfs_names_free(files, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct qh_buf b = QH_BUF_INIT;
		struct qh_error err = { "" };
		struct domain *d = &s->doms[s->ndoms];
		int rc = qh_rootfs_read(s->c->fs, files[i], AUDIT_MAX_CONFIG, &b, &err);

		if (rc == 0)
			d->d = qh_lvdomain_parse(b.data, b.len, files[i], &err);
		qh_buf_free(&b);
		if (!d->d) {
			/* libvirt would not define it either: an error, exit 3 */
			audit_unreadable(s->c, files[i], err.msg);
			continue;
		}
		d->file = files[i];
		files[i] = NULL;
		d->running = -1;
		s->ndoms++;
	}
	qh_rootfs_names_free(files, n);
}

/* Images of the running QEMUs: their command lines, and their domain XML. */
static void running_images(struct svirt *s)
{
	for (size_t p = 0; p < s->procs->n; p++) {
		const struct audit_qemu_proc *q = &s->procs->v[p];
		struct domain *dom = NULL;

		for (size_t i = 0; i < q->cmd.ndisks; i++) {
			struct image *im = image_for(s, q->cmd.disks[i].path);

			if (im)
				add_user(s, im, p, q->cmd.disks[i].readonly);
		}
		for (size_t d = 0; q->cmd.name && d < s->ndoms && !dom; d++)
			if (strcmp(s->doms[d].d->name, q->cmd.name) == 0)
				dom = &s->doms[d];
		if (!dom)
			continue;
		dom->running = (long)p;
		for (size_t i = 0; i < dom->d->ndisks; i++) {
			const struct qh_lvdomain_disk *k = &dom->d->disks[i];
			struct image *im = image_for(s, k->source);

			if (!im)
				continue;
			add_user(s, im, p, k->readonly);
			im->shareable |= k->shareable;
			im->handmade |= k->norelabel || dom->d->relabel_no;
			if (!im->file) {
				im->file = dom->file;
				im->line = k->line;
			}
		}
	}
}

static void stopped_images(struct svirt *s)
{
	for (size_t d = 0; d < s->ndoms; d++) {
		const struct domain *dom = &s->doms[d];

		if (dom->running >= 0)
			continue;
		for (size_t i = 0; i < dom->d->ndisks; i++) {
			const struct qh_lvdomain_disk *k = &dom->d->disks[i];
			struct image *im = image_for(s, k->source);

			if (!im || im->stopped)
				continue;
			im->stopped = dom;
			im->handmade |= k->norelabel || dom->d->relabel_no;
			if (!im->file) {
				im->file = dom->file;
				im->line = k->line;
			}
		}
	}
}

/* The running QEMU whose pair a label carries, or -1. */
static long owner_of(const struct svirt *s, const struct qh_secontext *label)
{
	for (size_t p = 0; p < s->procs->n; p++)
		if (svirt_process(&s->ctx[p]) && qh_secontext_same_pair(&s->ctx[p], label))
			return (long)p;
	return -1;
}

/* The image's label: 0 and *out (parsed, in *raw), ENODATA when it has
 * none, another errno when it could not be read (reported). */
static int read_label(struct svirt *s, const struct image *im, char **raw,
		      struct qh_secontext *out)
{
	struct qh_error err = { "" };
	size_t len;
	int rc = qh_rootfs_getxattr(s->c->fs, im->path, LABEL_XATTR, raw, &len, &err);

	if (rc == ENOTSUP)
		rc = ENODATA; /* a file system without labels: unlabelled */
	if (rc == ENOENT || rc == ENODATA)
		return rc;
	if (rc == EXDEV) {
		audit_escape(s->c, im->path, err.msg);
		return rc;
	}
	if (rc) {
		audit_unreadable(s->c, im->path, err.msg);
		return rc;
	}
	if (qh_secontext_parse(*raw, out) != 0) {
		memset(out, 0, sizeof(*out)); /* judged as no sVirt label */
		snprintf(out->type, sizeof(out->type), "(not a context)");
	}
	return 0;
}

/* A finding on the image, located where a domain XML names it. */
#define CHECK(s, im, id, st, ...) \
	audit_check((s)->c, (im)->path, id, st, (im)->file, (im)->line, __VA_ARGS__)

/* What the label of an image used by running VMs must be. */
static void judge_running(struct svirt *s, const struct image *im)
{
	const char *id = "svirt-image-label";
	size_t p = im->users[0];
	const struct audit_qemu_proc *q = &s->procs->v[p];
	struct qh_secontext label;
	char *raw = NULL, want[96], who[160], other[160] = "";
	long owner;
	int rc;

	snprintf(who, sizeof(who), "domain %s (pid %s)", vm_name(s, p), q->pid);
	if (im->handmade) {
		CHECK(s, im, id, QH_SKIP, "%s has relabel='no': labelled by hand", who);
		return;
	}
	if (im->nusers > 1 && im->writable && !im->shareable) {
		snprintf(other, sizeof(other), "domain %s (pid %s)",
			 vm_name(s, im->users[1]), s->procs->v[im->users[1]].pid);
		CHECK(s, im, id, QH_FAIL, "opened by %s and by %s without <shareable/>: "
		      "one label cannot keep the two VMs apart", who, other);
		return;
	}
	if (!svirt_process(&s->ctx[p])) {
		CHECK(s, im, id, QH_SKIP, "%s runs without a category pair of its "
		      "own (label %s; see svirt-label)", who,
		      q->label ? q->label : "none");
		return;
	}
	rc = read_label(s, im, &raw, &label);
	if (rc == ENOENT) {
		CHECK(s, im, id, QH_SKIP, "%s names it, but it is not there (removed "
		      "while in use)", who);
		return;
	}
	if (rc == ENODATA) {
		CHECK(s, im, id, QH_FAIL, "no SELinux label (%s): %s runs as %s; "
		      "libvirt did not label it", LABEL_XATTR, who, q->label);
		return;
	}
	if (rc)
		return;
	snprintf(want, sizeof(want), "svirt_image_t:s0:c%u,c%u", s->ctx[p].c1, s->ctx[p].c2);
	if (!im->writable || im->shareable) {
		/* shared read-only content carries no VM's pair, or this one's */
		bool ok = (strcmp(label.type, "virt_content_t") == 0 && !label.categories &&
			   !im->writable) ||
			  (strcmp(label.type, "svirt_image_t") == 0 &&
			   (!label.categories || (!im->shareable &&
			    qh_secontext_same_pair(&label, &s->ctx[p]))));

		if (ok) {
			CHECK(s, im, id, QH_PASS, "label %s; %s %s", raw, im->shareable ?
			      "shared by" : "read-only in", who);
			free(raw);
			return;
		}
	} else if (strcmp(label.type, "svirt_image_t") == 0 &&
		   qh_secontext_same_pair(&label, &s->ctx[p])) {
		CHECK(s, im, id, QH_PASS, "label %s, the pair of %s", raw, who);
		free(raw);
		return;
	}
	owner = owner_of(s, &label);
	if (owner >= 0 && (size_t)owner != p)
		snprintf(other, sizeof(other), ", the categories of domain %s (pid %s)",
			 vm_name(s, (size_t)owner), s->procs->v[owner].pid);
	CHECK(s, im, id, QH_FAIL, "label %s%s; %s needs %s", raw, other, who,
	      im->shareable ? "svirt_image_t:s0 (shareable)" :
	      im->writable ? want : "virt_content_t:s0 (read-only)");
	free(raw);
}

/* A stopped domain's image must carry no VM's categories. */
static void judge_stopped(struct svirt *s, const struct image *im)
{
	const char *id = "svirt-stale-label", *dom = im->stopped->d->name;
	struct qh_secontext label;
	char *raw = NULL, who[160];
	long owner;
	int rc;

	if (im->missing) {
		CHECK(s, im, id, QH_SKIP, "image of stopped domain %s is not there", dom);
		return;
	}
	if (im->handmade) {
		CHECK(s, im, id, QH_SKIP, "stopped domain %s has relabel='no': "
		      "labelled by hand", dom);
		return;
	}
	rc = read_label(s, im, &raw, &label);
	if (rc == ENODATA) {
		CHECK(s, im, id, QH_PASS, "no SELinux label: no VM's categories "
		      "(stopped domain %s)", dom);
		return;
	}
	if (rc)
		return;
	owner = owner_of(s, &label);
	if (owner >= 0) {
		snprintf(who, sizeof(who), "domain %s (pid %s)", vm_name(s, (size_t)owner),
			 s->procs->v[owner].pid);
		CHECK(s, im, id, QH_FAIL, "label %s: the categories of running %s, "
		      "whose QEMU can open this image of stopped domain %s", raw, who,
		      dom);
	} else if (label.categories) {
		CHECK(s, im, id, QH_WARN, "label %s though domain %s is stopped: "
		      "categories left from an earlier run, open to the next VM given "
		      "them", raw, dom);
	} else {
		CHECK(s, im, id, QH_PASS, "label %s: no VM's categories (stopped "
		      "domain %s)", raw, dom);
	}
	free(raw);
}

void audit_svirt_images(struct audit_ctx *c)
{
	struct svirt s = { .c = c };
	bool labelled = c->selinux_enforcing;

	s.procs = audit_qemu_procs(c);
	s.ctx = calloc(s.procs->n + 1, sizeof(*s.ctx));
	if (!s.ctx) {
		c->oom = true;
		return;
	}
	for (size_t p = 0; p < s.procs->n; p++)
		if (s.procs->v[p].label &&
		    qh_secontext_parse(s.procs->v[p].label, &s.ctx[p]) == 0)
			labelled |= svirt_process(&s.ctx[p]);
	if (labelled) {
		load_domains(&s);
		running_images(&s);
		stopped_images(&s);
		for (size_t i = 0; i < s.nimages; i++) {
			if (s.images[i].nusers)
				judge_running(&s, &s.images[i]);
			else if (s.images[i].stopped)
				judge_stopped(&s, &s.images[i]);
		}
	}
	for (size_t i = 0; i < s.nimages; i++) {
		free(s.images[i].path);
		free(s.images[i].users);
	}
	for (size_t d = 0; d < s.ndoms; d++) {
		free(s.doms[d].file);
		qh_lvdomain_free(s.doms[d].d);
	}
	free(s.images);
	free(s.doms);
	free(s.ctx);
}
