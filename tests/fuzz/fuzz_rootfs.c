/* fuzz_rootfs.c - the root resolver (rootfs.h): the input builds a small
 * tree of directories, files and symlinks (targets made of "..", "/",
 * names and the way out) in a scratch dir next to an "outside" dir that
 * mirrors its names, then resolves paths made of the same pieces, in an
 * image root and a source tree, with openat2 and with the fallback walk.
 * Oracles: nothing read or stat'ed is outside the root (its inode is one
 * of the root's, and no read returns the outside's marker); the two walks
 * agree; a canonical path names what the lookup found.
 *
 * Input: a list of 4-byte records. Record kinds: 0 dir, 1 file, 2 symlink,
 * 3 lookup; byte 1 picks the parent (an earlier dir) or the path, bytes 2
 * and 3 pick the name and the symlink target / lookup path from PIECES.
 */
#include <errno.h>
#include <ftw.h>
#include <sys/stat.h>

#include "fuzz_util.h"
#include "rootfs.h"

#define MAX_RECORDS 64
#define MAX_IDS 256

static const char *const pieces[] = {
	"a", "b", "etc", "..", ".", "/", "../..", "../../..", "outside", "x/..",
	"a/b", "/a", "//", "secret", "../outside/secret", "/../../outside",
};
#define NPIECES (sizeof(pieces) / sizeof(pieces[0]))

static char top[64];
static struct qh_file_id ids[MAX_IDS];
static size_t nids;

static int remove_entry(const char *p, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p) < 0 && errno != ENOENT ? -1 : 0;
}

static int note_inode(const char *p, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)p;
	(void)flag;
	(void)ftw;
	if (nids < MAX_IDS) {
		ids[nids].dev = st->st_dev;
		ids[nids].ino = st->st_ino;
		nids++;
	}
	return 0;
}

static bool inside(const struct stat *st)
{
	for (size_t i = 0; i < nids; i++)
		if (ids[i].dev == st->st_dev && ids[i].ino == st->st_ino)
			return true;
	return false;
}

static void must(bool ok, const char *what, const char *path)
{
	if (!ok) {
		fprintf(stderr, "fuzz_rootfs: %s: %s\n", what, path);
		abort();
	}
}

/* A path from two piece indexes (joined by '/'). */
static void make_path(char *out, size_t size, unsigned char a, unsigned char b)
{
	snprintf(out, size, "%s/%s", pieces[a % NPIECES], pieces[b % NPIECES]);
}

static void check_lookup(struct qh_rootfs *fs, struct qh_rootfs *alt,
			 const char *path)
{
	struct stat st, st2;
	char *canon = NULL, *canon2 = NULL;
	struct qh_buf b = QH_BUF_INIT;
	int rc = qh_rootfs_stat(fs, path, 0, &st, &canon, NULL);
	int rc2 = qh_rootfs_stat(alt, path, 0, &st2, &canon2, NULL);

	must(rc == rc2, "openat2 and the fallback walk disagree", path);
	if (rc == 0) {
		must(inside(&st), "resolved outside the root", path);
		must(strcmp(canon, canon2) == 0 && st.st_ino == st2.st_ino,
		     "openat2 and the fallback walk found different files", path);
		free(canon2);
		canon2 = NULL;
		/* the canonical path names what was found, without links */
		must(qh_rootfs_stat(fs, canon, QH_ROOTFS_NOFOLLOW, &st2, &canon2,
				    NULL) == 0 && st2.st_ino == st.st_ino &&
		     strcmp(canon, canon2) == 0, "canonical path", path);
	}
	free(canon);
	free(canon2);
	if (qh_rootfs_read(fs, path, 4096, &b, NULL) == 0)
		must(!strstr(b.data, "OUTSIDE"), "read a file outside the root", path);
	qh_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char root[128], outside[128], dirs[MAX_RECORDS + 1][256], p[512];
	size_t ndirs = 1, nrec = size / 4 > MAX_RECORDS ? MAX_RECORDS : size / 4;
	struct qh_rootfs *img[2], *tree[2];

	if (!top[0]) {
		strcpy(top, "/tmp/qhard-fuzz-rootfs-XXXXXX");
		if (!mkdtemp(top))
			return 0;
	}
	nftw(top, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	snprintf(root, sizeof(root), "%s/root", top);
	snprintf(outside, sizeof(outside), "%s/outside", top);
	if (mkdir(top, 0700) < 0 || mkdir(root, 0755) < 0 || mkdir(outside, 0755) < 0)
		return 0;
	/* the way out: the same names outside, holding the marker */
	for (size_t i = 0; i < NPIECES; i++) {
		FILE *f;

		snprintf(p, sizeof(p), "%s/%s", top, pieces[i]);
		f = strchr(pieces[i], '/') || pieces[i][0] == '.' ? NULL : fopen(p, "w");
		if (f) {
			fputs("OUTSIDE\n", f);
			fclose(f);
		}
	}
	snprintf(p, sizeof(p), "%s/secret", outside);
	{
		FILE *f = fopen(p, "w");

		if (f) {
			fputs("OUTSIDE\n", f);
			fclose(f);
		}
	}
	strcpy(dirs[0], root);
	for (size_t i = 0; i < nrec; i++) {
		const uint8_t *r = data + 4 * i;
		const char *name = pieces[r[2] % NPIECES];

		if ((r[0] & 3) == 3 || strchr(name, '/') || name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dirs[r[1] % ndirs], name);
		switch (r[0] & 3) {
		case 0:
			if (strlen(p) < sizeof(dirs[0]) && mkdir(p, 0755) == 0 &&
			    ndirs <= MAX_RECORDS)
				memcpy(dirs[ndirs++], p, strlen(p) + 1);
			break;
		case 1: {
			FILE *f = fopen(p, "w");

			if (f) {
				fputs("inside\n", f);
				fclose(f);
			}
			break;
		}
		case 2:
			if (symlink(pieces[r[3] % NPIECES], p) < 0) {
				/* two pieces when the name is taken */
				char t[256];

				make_path(t, sizeof(t), r[3], r[1]);
				if (symlink(t, p) < 0)
					break; /* taken by a dir or file */
			}
			break;
		}
	}
	nids = 0;
	nftw(root, note_inode, 16, FTW_PHYS);
	unsetenv("QHARD_TEST_NO_OPENAT2");
	img[0] = qh_rootfs_open(root, NULL);
	tree[0] = qh_rootfs_open_tree(root, NULL);
	setenv("QHARD_TEST_NO_OPENAT2", "1", 1);
	img[1] = qh_rootfs_open(root, NULL);
	tree[1] = qh_rootfs_open_tree(root, NULL);
	unsetenv("QHARD_TEST_NO_OPENAT2");
	if (img[0] && img[1] && tree[0] && tree[1]) {
		for (size_t i = 0; i < nrec; i++) {
			const uint8_t *r = data + 4 * i;

			if ((r[0] & 3) != 3)
				continue;
			make_path(p, sizeof(p), r[2], r[3]);
			check_lookup(img[0], img[1], p);
			check_lookup(tree[0], tree[1], p);
			check_lookup(img[0], img[1], pieces[r[1] % NPIECES]);
		}
		/* every name created, as a path of its own */
		for (size_t i = 1; i < ndirs; i++) {
			check_lookup(img[0], img[1], dirs[i] + strlen(root));
			snprintf(p, sizeof(p), "%s/../../x", dirs[i] + strlen(root));
			check_lookup(tree[0], tree[1], p);
		}
	}
	for (int i = 0; i < 2; i++) {
		qh_rootfs_free(img[i]);
		qh_rootfs_free(tree[i]);
	}
	return 0;
}
