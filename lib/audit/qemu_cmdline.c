/* qemu_cmdline.c - disk images and the VM name from a QEMU command line
 * (see qemu_cmdline.h). QEMU's key=value option syntax is read as QEMU's
 * keyval parser does (a ",," inside a value is one comma); -blockdev JSON
 * with jansson. */
#include "qemu_cmdline.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* The value of key in "k1=v1,k2=v2" (",," unescaped); NULL when absent,
 * or for the first element given without "key=" (implied key), when
 * implied names it. Caller frees. */
static char *keyval(const char *opts, const char *key, const char *implied)
{
	size_t klen = strlen(key);
	bool first = true;

	for (const char *p = opts; *p; first = false) {
		const char *eq = NULL, *e = p;
		struct qh_buf v = QH_BUF_INIT;

		/* the element ends at a single comma */
		while (*e && !(e[0] == ',' && e[1] != ',')) {
			if (*e == '=' && !eq)
				eq = e;
			e += e[0] == ',' ? 2 : 1;
		}
		if ((eq && (size_t)(eq - p) == klen && strncmp(p, key, klen) == 0) ||
		    (!eq && first && implied && strcmp(implied, key) == 0)) {
			for (const char *s = eq ? eq + 1 : p; s < e; s++) {
				if (s[0] == ',' && s[1] == ',')
					s++;
				qh_buf_putc(&v, *s);
			}
			return v.data ? qh_buf_detach(&v) : qh_strdup("");
		}
		p = *e ? e + 1 : e;
	}
	return NULL;
}

static bool on(const char *v)
{
	return v && (strcmp(v, "on") == 0 || strcmp(v, "true") == 0 ||
		     strcmp(v, "yes") == 0 || strcmp(v, "1") == 0);
}

static int add(struct qh_qemu_cmdline *c, char *path, bool readonly,
	       struct qh_error *err)
{
	if (!path || path[0] != '/') {
		free(path);
		return 0; /* a URI, a pool name or nothing: no file of ours */
	}
	for (size_t i = 0; i < c->ndisks; i++)
		if (strcmp(c->disks[i].path, path) == 0) {
			c->disks[i].readonly &= readonly;
			free(path);
			return 0;
		}
	if (qh_array_reserve((void **)&c->disks, &c->disks_cap, c->ndisks + 1,
			     sizeof(*c->disks)) < 0) {
		free(path);
		return qh_error_set(err, "out of memory");
	}
	c->disks[c->ndisks].path = path;
	c->disks[c->ndisks++].readonly = readonly;
	return 0;
}

/* One -blockdev node, in either syntax. */
struct node {
	char *name, *filename, *file; /* node-name, filename, "file" child */
	bool readonly;
};

static void node_free(struct node *n)
{
	free(n->name);
	free(n->filename);
	free(n->file);
}

static char *json_str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? qh_strdup(s) : NULL;
}

static int blockdev(const char *arg, struct node *n, struct qh_error *err)
{
	memset(n, 0, sizeof(*n));
	if (arg[0] == '{') {
		json_error_t je;
		json_t *o = json_loads(arg, JSON_REJECT_DUPLICATES, &je);

		if (!json_is_object(o)) {
			json_decref(o);
			return qh_error_set(err, "-blockdev: not a JSON object: %s", je.text);
		}
		n->name = json_str(o, "node-name");
		n->filename = json_str(o, "filename");
		n->file = json_str(o, "file"); /* a child given by node name */
		n->readonly = json_is_true(json_object_get(o, "read-only"));
		json_decref(o);
		return 0;
	}
	n->name = keyval(arg, "node-name", NULL);
	n->filename = keyval(arg, "filename", NULL);
	n->file = keyval(arg, "file", NULL);
	{
		char *ro = keyval(arg, "read-only", NULL);

		n->readonly = on(ro);
		free(ro);
	}
	return 0;
}

static const char *const plain_disks[] = {
	"-hda", "-hdb", "-hdc", "-hdd", "-fda", "-fdb", "-cdrom", "-mtdblock",
	"-sd", "-pflash",
};

static int drive(struct qh_qemu_cmdline *c, const char *arg, struct qh_error *err)
{
	char *ro = keyval(arg, "readonly", NULL), *media = keyval(arg, "media", NULL);
	bool readonly = on(ro) || (media && strcmp(media, "cdrom") == 0);

	free(ro);
	free(media);
	return add(c, keyval(arg, "file", NULL), readonly, err);
}

int qh_qemu_cmdline_parse(const char *args, size_t len,
			  struct qh_qemu_cmdline *out, struct qh_error *err)
{
	const char **argv = NULL;
	size_t argc = 0, cap = 0, nnodes = 0, nodes_cap = 0;
	struct node *nodes = NULL;
	char *copy = malloc(len + 1);
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!copy)
		return qh_error_set(err, "out of memory");
	/* NUL-separated; a last argument without its NUL still counts */
	memcpy(copy, args, len);
	copy[len] = '\0';
	for (size_t i = 0; i < len; i += strlen(copy + i) + 1) {
		if (qh_array_reserve((void **)&argv, &cap, argc + 1, sizeof(*argv)) < 0) {
			free(argv);
			free(copy);
			return qh_error_set(err, "out of memory");
		}
		argv[argc++] = copy + i;
	}
	for (size_t i = 1; i + 1 < argc && rc == 0; i++) {
		const char *opt = argv[i], *arg = argv[i + 1];

		if (opt[0] == '-' && opt[1] == '-')
			opt++; /* --drive is -drive */
		if (strcmp(opt, "-name") == 0) {
			free(out->name);
			out->name = keyval(arg, "guest", "guest");
		} else if (strcmp(opt, "-drive") == 0) {
			rc = drive(out, arg, err);
		} else if (strcmp(opt, "-blockdev") == 0) {
			if (qh_array_reserve((void **)&nodes, &nodes_cap, nnodes + 1,
					     sizeof(*nodes)) < 0)
				rc = qh_error_set(err, "out of memory");
			else if ((rc = blockdev(arg, &nodes[nnodes], err)) == 0)
				nnodes++;
		} else {
			size_t k = 0;

			while (k < QH_ARRAY_LEN(plain_disks) && strcmp(opt, plain_disks[k]))
				k++;
			if (k == QH_ARRAY_LEN(plain_disks))
				continue; /* not ours: its argument, if any, is looked at next */
			rc = add(out, qh_strdup(arg), strcmp(opt, "-cdrom") == 0, err);
		}
		i++; /* the option's argument */
	}
	/* storage nodes, read-only when they or a node above them say so */
	for (size_t i = 0; i < nnodes && rc == 0; i++) {
		bool readonly = nodes[i].readonly;

		if (!nodes[i].filename)
			continue;
		for (size_t k = 0; k < nnodes && nodes[i].name; k++)
			if (nodes[k].file && strcmp(nodes[k].file, nodes[i].name) == 0 &&
			    nodes[k].readonly)
				readonly = true;
		rc = add(out, qh_strdup(nodes[i].filename), readonly, err);
	}
	for (size_t i = 0; i < nnodes; i++)
		node_free(&nodes[i]);
	free(nodes);
	free(argv);
	free(copy);
	if (rc)
		qh_qemu_cmdline_free(out);
	return rc;
}

void qh_qemu_cmdline_free(struct qh_qemu_cmdline *c)
{
	for (size_t i = 0; i < c->ndisks; i++)
		free(c->disks[i].path);
	free(c->disks);
	free(c->name);
	memset(c, 0, sizeof(*c));
}
