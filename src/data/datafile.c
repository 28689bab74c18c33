/*
 * datafile.c — a data file read whole into memory, gzip-compressed or
 * plain alike (zlib's gzread passes a file without the gzip magic through
 * unchanged), for the text readers (csv.c, libsvm.c).
 *
 * The buffer starts at 64 KiB and doubles, so a file of B bytes costs at
 * most 2 B of memory and O(B) time.  Errors: a file that cannot be opened
 * is bad input; one that cannot be read is an I/O error; a corrupt or cut
 * gzip stream is bad input, located at the byte of the decompressed data
 * where it stopped ("FILE:1:COL" with COL = 1 + that offset, as for IDX
 * files).
 */
#include "data_impl.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* The first buffer; it doubles as the file turns out longer. */
#define DATAFILE_FIRST_BUFFER ((size_t)1 << 16)

/* Bytes asked of gzread at a time: it counts in unsigned int. */
#define DATAFILE_CHUNK ((size_t)1 << 30)

int datafile_column(size_t offset)
{
	return offset >= (size_t)INT_MAX ? INT_MAX : (int)offset + 1;
}

/* The error of f after `offset` bytes read: an I/O error, or bad gzip
 * data located there. */
static asg_status datafile_gzerror(gzFile f, const char *path, size_t offset,
				   struct diag *d)
{
	int code;
	const char *what = gzerror(f, &code);
	size_t len = strlen(path);
	if (code == Z_ERRNO)
		return diag_set(d, ASG_EIO, "cannot read data file '%s': %s", path,
				strerror(errno));
	if (code == Z_MEM_ERROR)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	if (!strncmp(what, path, len) && !strncmp(what + len, ": ", 2))
		what += len + 2;        /* zlib's message starts "PATH: " */
	return diag_at(d, ASG_EINPUT, path, 1, datafile_column(offset),
		       code == Z_BUF_ERROR ? "truncated gzip stream: %s"
					   : "corrupt gzip data: %s", what);
}

asg_status datafile_open(const char *path, gzFile *f, struct diag *d)
{
	errno = 0;
	*f = gzopen(path, "rb");
	if (!*f)
		return errno ? diag_set(d, ASG_EINPUT,
					"cannot open data file '%s': %s", path,
					strerror(errno))
			     : diag_set(d, ASG_ENOMEM, "out of memory");
	return ASG_OK;
}

asg_status datafile_read(gzFile f, const char *path, size_t offset,
			 void *buf, size_t n, size_t *got, struct diag *d)
{
	int code;
	*got = 0;
	while (*got < n) {
		size_t want = n - *got < DATAFILE_CHUNK ? n - *got : DATAFILE_CHUNK;
		int r = gzread(f, (char *)buf + *got, (unsigned)want);
		if (r > 0) {
			*got += (size_t)r;
			continue;
		}
		gzerror(f, &code);
		if (r < 0 || code != Z_OK)
			return datafile_gzerror(f, path, offset + *got, d);
		break;
	}
	return ASG_OK;
}

asg_status datafile_slurp(const char *path, char **text, size_t *len,
			  struct diag *d)
{
	gzFile f;
	asg_status st = datafile_open(path, &f, d);
	if (st != ASG_OK)
		return st;
	size_t cap = 0, n = 0, got;
	char *buf = NULL;
	do {
		if (cap - n < 2) {      /* room for a byte and the NUL */
			size_t bigger = cap ? 2 * cap : DATAFILE_FIRST_BUFFER;
			char *p = realloc(buf, bigger);
			if (!p) {
				st = diag_set(d, ASG_ENOMEM, "out of memory");
				goto out_free_buf;
			}
			buf = p;
			cap = bigger;
		}
		st = datafile_read(f, path, n, buf + n, cap - n - 1, &got, d);
		if (st != ASG_OK)
			goto out_free_buf;
		n += got;
	} while (got > 0);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	goto out_close;
out_free_buf:
	free(buf);
out_close:
	gzclose(f);
	return st;
}
