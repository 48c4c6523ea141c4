/* sqlite_vfs.c — the store's VFS: SQLite's default one, with the writes of a commit to the WAL
 * made in a few system calls instead of two per page.
 *
 * A commit appends each page it changed to the WAL as two writes, a 24-byte frame header and the
 * page, so a commit of 140 pages (a SCIM round of ten users) made 280 pwrite calls: 0.54-0.74 ms
 * on the benchmark machine, against 0.10-0.14 ms for the same bytes in calls of 120 KiB. Here
 * the writes to a WAL file that follow each other are gathered in a buffer and written together:
 *   - when the page of a commit frame (a frame header whose "database size after commit" is not
 *     zero) has been given, so xWrite returns the commit's outcome as before: a commit returns
 *     only once its frames are with the operating system, as with the default VFS;
 *   - before any other operation on the WAL file (read, sync, truncate, size, lock, close), and
 *     when a write does not follow the buffered ones or the buffer is full;
 *   - before the database file's shared-memory barrier, lock and unmap, through which SQLite
 *     publishes frames in the WAL index (walIndexWriteHdr): nothing can point at a frame that is
 *     not written. Such a flush has no way to report a failure; it is kept and returned by the
 *     WAL file's next operation (the frames it concerns were not part of a commit, which would
 *     have flushed them itself).
 * Everything else goes to the default VFS unchanged. The file format is SQLite's own: a store
 * written through this VFS is an ordinary SQLite database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

/* WRITE_MAX: the unix VFS writes at most 128 KiB - 1 bytes in one call (seekAndWriteFd masks the
 * count with 0x1ffff), so a flush is made of calls of up to 120 KiB. */
enum { WAL_FRAME_HEADER = 24, BUFFER_MAX = 4 << 20, WRITE_MAX = 120 << 10 };

typedef struct shim_file shim_file;
struct shim_file {
    sqlite3_file base;
    sqlite3_file *real; /* the default VFS's file, in the space right after this struct */
    shim_file *db;      /* a WAL file: its database file (NULL once that is closed) */
    shim_file *wal;     /* a database file: its open WAL file, or NULL */
    int is_wal;
    char *buf; /* a WAL file: writes not made yet, for offsets buf_off .. buf_off + len */
    size_t len, cap;
    sqlite3_int64 buf_off;
    int commit_next;  /* the next write is the page of a commit frame */
    int failed_flush; /* a flush that could not report its failure: its SQLite error code */
};

static sqlite3_vfs *real_vfs;

static int flush(shim_file *f)
{
    if (!f->len)
        return SQLITE_OK;
    int rc = SQLITE_OK;
    for (size_t done = 0; done < f->len && rc == SQLITE_OK; done += WRITE_MAX) {
        size_t n = f->len - done < WRITE_MAX ? f->len - done : WRITE_MAX;
        rc = f->real->pMethods->xWrite(f->real, f->buf + done, (int)n, f->buf_off + (sqlite3_int64)done);
    }
    f->len = 0;
    return rc;
}

/* A flush whose failure is reported by the WAL file's next operation. */
static void flush_later_reported(shim_file *w)
{
    int rc = flush(w);
    if (rc != SQLITE_OK && !w->failed_flush)
        w->failed_flush = rc;
}

/* The failure kept from a flush that could not report it (SQLITE_OK: none), now reported. */
static int kept_failure(shim_file *f)
{
    int rc = f->failed_flush;
    f->failed_flush = SQLITE_OK;
    return rc;
}

/* Before an operation other than a write on f: a WAL file's writes are made first. */
static int before(shim_file *f)
{
    if (!f->is_wal)
        return SQLITE_OK;
    int rc = kept_failure(f);
    return rc != SQLITE_OK ? rc : flush(f);
}

/* Before a write of n bytes at off to a WAL file: a kept failure is reported, and the buffered
 * writes are made when the new one does not follow them or would overfill the buffer. */
static int before_write(shim_file *f, size_t n, sqlite3_int64 off)
{
    int rc = kept_failure(f);
    if (rc == SQLITE_OK && f->len && (off != f->buf_off + (sqlite3_int64)f->len || f->len + n > BUFFER_MAX))
        rc = flush(f);
    return rc;
}

static int shim_close(sqlite3_file *p)
{
    shim_file *f = (shim_file *)p;
    int rc = before(f);
    if (f->is_wal && f->db)
        f->db->wal = NULL;
    if (!f->is_wal && f->wal)
        f->wal->db = NULL;
    free(f->buf);
    int rc2 = f->real->pMethods->xClose(f->real);
    return rc != SQLITE_OK ? rc : rc2;
}

static int shim_read(sqlite3_file *p, void *out, int n, sqlite3_int64 off)
{
    shim_file *f = (shim_file *)p;
    int rc = before(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, out, n, off);
}

/* Whether the n bytes at data are a WAL frame header of a commit frame. */
static int commit_frame_header(const void *data, int n)
{
    const unsigned char *h = data;
    return n == WAL_FRAME_HEADER && (h[4] | h[5] | h[6] | h[7]) != 0;
}

/* Makes room in f's buffer for n more bytes; 0 when there is none (then write directly). */
static int room(shim_file *f, size_t n)
{
    if (f->len + n <= f->cap)
        return 1;
    size_t cap = f->cap ? f->cap : 256 * 1024;
    while (cap < f->len + n)
        cap *= 2;
    char *b = realloc(f->buf, cap);
    if (!b)
        return 0;
    f->buf = b;
    f->cap = cap;
    return 1;
}

static int shim_write(sqlite3_file *p, const void *data, int n, sqlite3_int64 off)
{
    shim_file *f = (shim_file *)p;
    if (!f->is_wal || n <= 0)
        return f->real->pMethods->xWrite(f->real, data, n, off);
    int rc = before_write(f, (size_t)n, off);
    if (rc != SQLITE_OK)
        return rc;
    int commit = f->commit_next;
    f->commit_next = commit_frame_header(data, n);
    if (!room(f, (size_t)n)) { /* out of memory: the buffered writes, then this one, as they are */
        rc = flush(f);
        return rc != SQLITE_OK ? rc : f->real->pMethods->xWrite(f->real, data, n, off);
    }
    if (!f->len)
        f->buf_off = off;
    memcpy(f->buf + f->len, data, (size_t)n);
    f->len += (size_t)n;
    return commit ? flush(f) : SQLITE_OK; /* the commit frame's page: the commit is written now */
}

static int shim_truncate(sqlite3_file *p, sqlite3_int64 size)
{
    shim_file *f = (shim_file *)p;
    int rc = before(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int shim_sync(sqlite3_file *p, int flags)
{
    shim_file *f = (shim_file *)p;
    int rc = before(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int shim_file_size(sqlite3_file *p, sqlite3_int64 *size)
{
    shim_file *f = (shim_file *)p;
    int rc = before(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

static int shim_lock(sqlite3_file *p, int level)
{
    shim_file *f = (shim_file *)p;
    int rc = before(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xLock(f->real, level);
}

static int shim_unlock(sqlite3_file *p, int level)
{
    shim_file *f = (shim_file *)p;
    int rc = before(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xUnlock(f->real, level);
}

static int shim_check_reserved(sqlite3_file *p, int *out)
{
    shim_file *f = (shim_file *)p;
    return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int shim_file_control(sqlite3_file *p, int op, void *arg)
{
    shim_file *f = (shim_file *)p;
    int rc = before(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl(f->real, op, arg);
}

static int shim_sector_size(sqlite3_file *p)
{
    shim_file *f = (shim_file *)p;
    return f->real->pMethods->xSectorSize(f->real);
}

static int shim_device(sqlite3_file *p)
{
    shim_file *f = (shim_file *)p;
    return f->real->pMethods->xDeviceCharacteristics(f->real);
}

/* The shared-memory methods belong to the database file; each first makes its WAL's writes. */
static void publish(shim_file *f)
{
    if (!f->is_wal && f->wal)
        flush_later_reported(f->wal);
}

static int shim_shm_map(sqlite3_file *p, int page, int size, int extend, void volatile **out)
{
    shim_file *f = (shim_file *)p;
    return f->real->pMethods->xShmMap(f->real, page, size, extend, out);
}

static int shim_shm_lock(sqlite3_file *p, int offset, int n, int flags)
{
    shim_file *f = (shim_file *)p;
    publish(f);
    return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

static void shim_shm_barrier(sqlite3_file *p)
{
    shim_file *f = (shim_file *)p;
    publish(f);
    f->real->pMethods->xShmBarrier(f->real);
}

static int shim_shm_unmap(sqlite3_file *p, int delete_flag)
{
    shim_file *f = (shim_file *)p;
    publish(f);
    return f->real->pMethods->xShmUnmap(f->real, delete_flag);
}

static int shim_fetch(sqlite3_file *p, sqlite3_int64 off, int n, void **out)
{
    shim_file *f = (shim_file *)p;
    int rc = before(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFetch(f->real, off, n, out);
}

static int shim_unfetch(sqlite3_file *p, sqlite3_int64 off, void *page)
{
    shim_file *f = (shim_file *)p;
    return f->real->pMethods->xUnfetch(f->real, off, page);
}

static const sqlite3_io_methods shim_methods = {
    .iVersion = 3,
    .xClose = shim_close,
    .xRead = shim_read,
    .xWrite = shim_write,
    .xTruncate = shim_truncate,
    .xSync = shim_sync,
    .xFileSize = shim_file_size,
    .xLock = shim_lock,
    .xUnlock = shim_unlock,
    .xCheckReservedLock = shim_check_reserved,
    .xFileControl = shim_file_control,
    .xSectorSize = shim_sector_size,
    .xDeviceCharacteristics = shim_device,
    .xShmMap = shim_shm_map,
    .xShmLock = shim_shm_lock,
    .xShmBarrier = shim_shm_barrier,
    .xShmUnmap = shim_shm_unmap,
    .xFetch = shim_fetch,
    .xUnfetch = shim_unfetch,
};

static int shim_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *p, int flags, int *out_flags)
{
    (void)vfs;
    shim_file *f = (shim_file *)p;
    memset(f, 0, sizeof *f);
    f->real = (sqlite3_file *)(f + 1);
    int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
    if (rc != SQLITE_OK)
        return rc; /* the default VFS's failure (p->pMethods stays NULL: nothing to close) */
    if (!f->real->pMethods || f->real->pMethods->iVersion < 3) { /* cannot happen with unix */
        if (f->real->pMethods)
            f->real->pMethods->xClose(f->real);
        return SQLITE_CANTOPEN;
    }
    f->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
    if (f->is_wal && name) {
        shim_file *db = (shim_file *)sqlite3_database_file_object(name);
        if (db && db->base.pMethods == &shim_methods) {
            f->db = db;
            db->wal = f;
        }
    }
    p->pMethods = &shim_methods;
    return SQLITE_OK;
}

/* The rest of the VFS is the default one's. */
static int shim_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
    (void)v;
    return real_vfs->xDelete(real_vfs, name, sync_dir);
}
static int shim_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    (void)v;
    return real_vfs->xAccess(real_vfs, name, flags, out);
}
static int shim_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
    (void)v;
    return real_vfs->xFullPathname(real_vfs, name, n, out);
}
static void *shim_dl_open(sqlite3_vfs *v, const char *name)
{
    (void)v;
    return real_vfs->xDlOpen(real_vfs, name);
}
static void shim_dl_error(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    real_vfs->xDlError(real_vfs, n, out);
}
static void (*shim_dl_sym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
    (void)v;
    return real_vfs->xDlSym(real_vfs, h, sym);
}
static void shim_dl_close(sqlite3_vfs *v, void *h)
{
    (void)v;
    real_vfs->xDlClose(real_vfs, h);
}
static int shim_randomness(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return real_vfs->xRandomness(real_vfs, n, out);
}
static int shim_sleep(sqlite3_vfs *v, int us)
{
    (void)v;
    return real_vfs->xSleep(real_vfs, us);
}
static int shim_current_time(sqlite3_vfs *v, double *out)
{
    (void)v;
    return real_vfs->xCurrentTime(real_vfs, out);
}
static int shim_last_error(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return real_vfs->xGetLastError(real_vfs, n, out);
}
static int shim_current_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
    (void)v;
    return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static sqlite3_vfs shim_vfs = {
    .iVersion = 2,
    .zName = "roster-wal-gather",
    .xOpen = shim_open,
    .xDelete = shim_delete,
    .xAccess = shim_access,
    .xFullPathname = shim_full_pathname,
    .xDlOpen = shim_dl_open,
    .xDlError = shim_dl_error,
    .xDlSym = shim_dl_sym,
    .xDlClose = shim_dl_close,
    .xRandomness = shim_randomness,
    .xSleep = shim_sleep,
    .xCurrentTime = shim_current_time,
    .xGetLastError = shim_last_error,
    .xCurrentTimeInt64 = shim_current_time64,
};

const char *sq_vfs_register(void)
{
    sqlite3_vfs *real = sqlite3_vfs_find(NULL);
    if (!real || real->iVersion < 2)
        return NULL;
    real_vfs = real;
    shim_vfs.szOsFile = (int)sizeof(shim_file) + real->szOsFile;
    shim_vfs.mxPathname = real->mxPathname;
    if (sqlite3_vfs_register(&shim_vfs, 0) != SQLITE_OK) {
        fprintf(stderr, "roster: store: the WAL-gathering VFS could not be registered; SQLite's own is used\n");
        return NULL;
    }
    return shim_vfs.zName;
}
