// Reading a whole file safely and replacing a file atomically (POSIX).
// SPDX-License-Identifier: MIT
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>

#include "brine/detail/text.hpp"
#include "brine/error.hpp"

namespace brine::detail {

/// A path as messages show it: quoted, with control characters and bytes that are not UTF-8
/// escaped (a path may come from a directory listing), not cut below PATH_MAX.
inline std::string quoted_path(const std::string& path) {
    return ::brine::detail::quoted(path, '\'', 4096);
}

[[noreturn]] BRINE_COLD inline void io_error(const std::string& what, const std::string& path,
                                             int err) {
    throw Error(Errc::io, what + " " + quoted_path(path) + ": " + os_error_text(err))
        .with_path(path);
}

/// The part of an Error's message after "brine: <errc_name>: ".
inline std::string error_detail(const Error& e) {
    const std::string what = e.what();
    const std::string prefix = std::string("brine: ") + errc_name(e.code()) + ": ";
    return what.compare(0, prefix.size(), prefix) == 0 ? what.substr(prefix.size()) : what;
}

/// Runs `f`, the loading of the file at `path`, so that every brine::Error it throws names that
/// file: "brine: truncated file: 'm.brine': needed 8000 bytes for 'coef' at byte 112, 37 left".
/// The code and the rest of the message are kept; a message that names the file already (the
/// OS errors of opening and reading it) is passed on unchanged.
[[noreturn]] BRINE_COLD inline void rethrow_naming_file(const Error& e, const std::string& path) {
    const std::string name = quoted_path(path);
    std::string detail = error_detail(e);
    if (detail.find(name) != std::string::npos) {
        Error same = e;
        throw same.with_path(path);
    }
    throw Error(e.code(), name + ": " + detail).with_fields_of(e).with_path(path);
}

template <class F>
decltype(auto) naming_file(const std::string& path, F&& f) {
    try {
        return f();
    } catch (const Error& e) {
        rethrow_naming_file(e, path);
    }
}

/// Closes a descriptor on scope exit.
struct FdGuard {
    int fd = -1;
    FdGuard() = default;
    // Moved, never copied: a copy would close the descriptor the other one still uses.
    FdGuard(const FdGuard&) = delete;
    FdGuard& operator=(const FdGuard&) = delete;
    FdGuard(FdGuard&& o) noexcept : fd(o.fd) { o.fd = -1; }
    FdGuard& operator=(FdGuard&& o) noexcept {
        if (this != &o) {
            if (fd >= 0) ::close(fd);
            fd = o.fd;
            o.fd = -1;
        }
        return *this;
    }
    ~FdGuard() {
        if (fd >= 0) ::close(fd);
    }
};

/// A regular file opened for loading: directories, FIFOs and devices are refused before any read
/// (a FIFO is opened non-blocking so that a missing writer cannot hang the call), and so is a file
/// over the size limit. Reads are sequential.
class InputFile {
public:
    static InputFile open(const std::string& path, std::uint64_t max_bytes) {
        InputFile f;
        f.path_ = path;
        f.g_.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        if (f.g_.fd < 0) io_error("cannot open", path, errno);
        struct stat st {};
        if (::fstat(f.g_.fd, &st) != 0) io_error("cannot stat", path, errno);
        if (S_ISDIR(st.st_mode))
            throw Error(Errc::io, "cannot load " + quoted_path(path) + ": it is a directory");
        if (!S_ISREG(st.st_mode)) {
            throw Error(Errc::io, "cannot load " + quoted_path(path) +
                                      ": not a regular file (FIFO, socket or device)");
        }
        f.size_ = static_cast<std::uint64_t>(st.st_size);
        if (f.size_ > max_bytes) {
            throw Error(Errc::limit_exceeded,
                        "file " + quoted_path(path) + " has " + std::to_string(f.size_) +
                            " bytes, the limit is " + std::to_string(max_bytes))
                .with_limit(max_bytes, "max_file_bytes")
                .with_path(path);
        }
        const int flags = ::fcntl(f.g_.fd, F_GETFL);
        if (flags >= 0) ::fcntl(f.g_.fd, F_SETFL, flags & ~O_NONBLOCK);
        return f;
    }

    std::uint64_t size() const noexcept { return size_; }
    std::uint64_t position() const noexcept { return pos_; }
    const std::string& path() const noexcept { return path_; }

    /// Reads exactly n bytes; Errc::io if the file ends first (it shrank after open).
    void read_exact(char* dst, std::size_t n) {
        std::size_t got = 0;
        while (got < n) {
            const ssize_t r = ::read(g_.fd, dst + got, n - got);
            if (r < 0) {
                if (errno == EINTR) continue;
                io_error("cannot read", path_, errno);
            }
            if (r == 0) {
                throw Error(Errc::io, "file " + quoted_path(path_) +
                                          " shrank while being read: expected " +
                                          std::to_string(size_) + " bytes, got " +
                                          std::to_string(pos_ + got));
            }
            got += static_cast<std::size_t>(r);
        }
        pos_ += n;
    }

    /// Errc::io if the file has more bytes than it had when opened.
    void check_at_end() {
        char extra;
        ssize_t r;
        do r = ::read(g_.fd, &extra, 1);
        while (r < 0 && errno == EINTR);
        if (r > 0) throw Error(Errc::io, "file " + quoted_path(path_) + " grew while being read");
    }

private:
    FdGuard g_;
    std::string path_;
    std::uint64_t size_ = 0;
    std::uint64_t pos_ = 0;
};

/// The bytes of a file, read once into memory that is not zero-filled first.
class FileBytes {
public:
    std::string_view view() const noexcept { return {data_.get(), size_}; }
    std::size_t size() const noexcept { return size_; }

    /// Reads at most `max_bytes` bytes of a regular file, or only its first `prefix` bytes when
    /// `prefix` is non-zero (see InputFile for what is refused).
    static FileBytes read(const std::string& path, std::uint64_t max_bytes,
                          std::size_t prefix = 0) {
        InputFile f = InputFile::open(path, max_bytes);
        return read_rest(f, {}, prefix);
    }

    /// The bytes `head` already read from `f`, then the rest of the file (or up to `prefix` bytes
    /// in all when `prefix` is non-zero).
    static FileBytes read_rest(InputFile& f, std::string_view head, std::size_t prefix = 0) {
        FileBytes out;
        const std::uint64_t file_size = f.size();
        const std::size_t want =
            prefix && prefix < file_size ? prefix : static_cast<std::size_t>(file_size);
        out.data_.reset(new char[want ? want : 1]);
        const std::size_t have = std::min(head.size(), want);
        if (have) std::memcpy(out.data_.get(), head.data(), have);
        f.read_exact(out.data_.get() + have, want - have);
        if (!prefix) f.check_at_end();
        out.size_ = want;
        out.file_size_ = file_size;
        return out;
    }

    std::uint64_t file_size() const noexcept { return file_size_; }

private:
    std::unique_ptr<char[]> data_;
    std::size_t size_ = 0;
    std::uint64_t file_size_ = 0;
};

/// The system calls write_file_atomic makes for the steps that can fail after the temporary file
/// exists. Test-only: brine's tests swap in failing or short-writing versions to check that every
/// failure leaves the old file and no temporary behind (fsync, close and rename failures cannot be
/// provoked otherwise). Not an API: the members may change, and a program must never set them.
/// The defaults are the POSIX calls, bound at compile time (constant-initialised, no guard); a
/// call through the pointer costs nothing next to the system call itself.
struct FileSystemHooks {
    ssize_t (*write)(int, const void*, std::size_t) = ::write;
    int (*fsync)(int) = ::fsync;  ///< for the temporary file, then for its directory
    int (*rename)(const char*, const char*) = ::rename;
    int (*close)(int) = ::close;  ///< for the temporary file's descriptor only
};

inline FileSystemHooks fs_hooks_instance{};

/// The hooks in force (see FileSystemHooks: for tests only).
inline FileSystemHooks& fs_hooks() noexcept { return fs_hooks_instance; }

/// Suffix of write_file_atomic's temporaries: `.<name>.brine-tmp-XXXXXX`, next to `<name>`.
inline constexpr std::string_view temp_marker = ".brine-tmp-";

/// An empty temporary younger than this may belong to a saver that has created it but not yet
/// locked it, so stray-temporary cleanup spares it (see remove_stray_temporaries).
inline constexpr std::time_t stray_temp_grace_seconds = 60;

/// True when `entry` is `.<base>.brine-tmp-` followed by the six characters mkstemp fills in.
inline bool is_temp_of(std::string_view entry, std::string_view base) noexcept {
    const std::size_t want = 1 + base.size() + temp_marker.size() + 6;
    if (entry.size() != want || entry[0] != '.' || entry.substr(1, base.size()) != base ||
        entry.substr(1 + base.size(), temp_marker.size()) != temp_marker) {
        return false;
    }
    for (char c : entry.substr(want - 6)) {
        const bool alnum =
            (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum) return false;
    }
    return true;
}

/// Removes the temporaries of `base` in `dir` that savers killed before their rename left behind.
/// Every saver holds an exclusive flock on its temporary from right after creating it until it
/// has renamed or removed it, and the kernel drops the lock when the saver dies, however it dies.
/// So a temporary is deleted only when it is a regular file (not a symlink), its lock can be taken
/// without waiting (its saver is gone), and it is not a brand-new empty file (a live saver may be
/// between creating it and locking it: empty temporaries younger than stray_temp_grace_seconds
/// are spared). Concurrent savers of the same path therefore never delete each other's live
/// temporary. On a file system without flock nothing is deleted. Best effort: errors are ignored.
inline void remove_stray_temporaries(const std::string& dir, const std::string& base) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) return;
    const int dfd = ::dirfd(d);
    while (const dirent* e = ::readdir(d)) {
        if (!is_temp_of(e->d_name, base)) continue;
        FdGuard f;
        f.fd = ::openat(dfd, e->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
        if (f.fd < 0) continue;
        struct stat st {};
        if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (::flock(f.fd, LOCK_EX | LOCK_NB) != 0) continue;  // its saver is alive
        if (st.st_size == 0 && std::time(nullptr) - st.st_mtime < stray_temp_grace_seconds)
            continue;
        // Delete the file we locked, not one that took its name since we opened it.
        struct stat now {};
        if (::fstatat(dfd, e->d_name, &now, AT_SYMLINK_NOFOLLOW) == 0 && now.st_dev == st.st_dev &&
            now.st_ino == st.st_ino) {
            ::unlinkat(dfd, e->d_name, 0);
        }
    }
    ::closedir(d);
}

/// Creates the temporary `tmp` (a path ending in six 'X's, which are replaced by letters and digits
/// until the name is new) for writing, with O_EXCL and O_NOFOLLOW and the permission bits `mode`,
/// which the umask (or the directory's default ACL) reduces as it does for any new file. Returns
/// the descriptor, or -1 with errno set.
inline int create_temporary(std::string& tmp, mode_t mode) {
    static std::atomic<std::uint64_t> counter{0};
    static constexpr char alnum[] =
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const std::size_t at = tmp.size() - 6;
    for (int attempt = 0; attempt < 1000; ++attempt) {
        // Unique, not secret: O_EXCL and O_NOFOLLOW make a guessed name harmless.
        std::uint64_t x = static_cast<std::uint64_t>(
                              std::chrono::system_clock::now().time_since_epoch().count()) ^
                          (static_cast<std::uint64_t>(::getpid()) << 40) ^
                          (counter.fetch_add(1) + 1) * 0x9E3779B97F4A7C15u;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
        x ^= x >> 31;
        for (std::size_t i = 0; i < 6; ++i) {
            tmp[at + i] = alnum[x % 62];
            x /= 62;
        }
        const int fd =
            ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd >= 0 || errno != EEXIST) return fd;
    }
    errno = EEXIST;
    return -1;
}

/// Replaces `path` with the bytes `produce(emit)` passes, in order, to `emit(data, n)`, so that,
/// whatever happens (crash, kill, full disk, an exception from `produce`), the path holds
/// either its old content or the new one, complete: the bytes go to a temporary file in the same
/// directory (`.<name>.brine-tmp-XXXXXX`), which is fsync'ed, then renamed over `path`, then the
/// directory is fsync'ed. On any failure the temporary is removed, the old file is left untouched
/// and Errc::io is thrown, naming the failing step and the OS's reason. After a successful save,
/// the temporaries of the same name that killed savers left behind are removed (see
/// remove_stray_temporaries for the rule that keeps concurrent savers safe).
///
/// Permissions: a new file gets 0666 less the umask, like any file a program creates. A regular
/// file that is replaced keeps its permission bits (rwx for user, group and others), never its
/// setuid, setgid or sticky bits. A symbolic link at `path` is not followed: the link itself is
/// replaced by the new file (its target is left as it was), which gets the mode of a new file.
/// The temporary never has more permission bits than the final file, even before its chmod.
template <class Produce>
void write_file_atomic_with(const std::string& path, Produce&& produce) {
    const std::size_t slash = path.find_last_of('/');
    const std::string dir =
        slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    if (base.empty())
        throw Error(Errc::io, "cannot save to " + quoted_path(path) + ": it names a directory");
    const FileSystemHooks& sys = fs_hooks();

    // The mode of the file being replaced, if it is a regular file: lstat, so a symbolic link's
    // target lends nothing (the link itself is replaced).
    struct stat old {};
    const bool keep_mode = ::lstat(path.c_str(), &old) == 0 && S_ISREG(old.st_mode);
    const mode_t mode = keep_mode ? (old.st_mode & 0777) : 0666;

    std::string tmp = (dir == "/" ? "" : dir) + "/." + base + ".brine-tmp-XXXXXX";
    FdGuard g;
    // Created with `mode` less the umask: never more open than the final file.
    g.fd = create_temporary(tmp, mode);
    if (g.fd < 0) io_error("cannot create a temporary file next to", path, errno);
    // A second open file description holds the lock that tells stray-temporary cleanup this file
    // is alive; it must outlive the close of g.fd, which comes before the rename.
    FdGuard lock;
    lock.fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    if (lock.fd >= 0) (void)::flock(lock.fd, LOCK_EX | LOCK_NB);

    auto fail = [&](const char* what, int err) {
        if (g.fd >= 0) ::close(g.fd);
        g.fd = -1;
        ::unlink(tmp.c_str());
        io_error(what, path, err);
    };
    // A replaced file keeps its permission bits, including those the umask would remove.
    if (keep_mode && ::fchmod(g.fd, mode) != 0) fail("cannot set permissions for", errno);

    // The file's bytes, in order, as produce(emit) passes them to emit(data, n).
    auto emit = [&](const void* data, std::size_t n) {
        const char* bytes = static_cast<const char*>(data);
        std::size_t done = 0;
        while (done < n) {
            const ssize_t w = sys.write(g.fd, bytes + done, n - done);
            if (w < 0) {
                if (errno == EINTR) continue;
                fail("cannot write", errno);
            }
            // write() returns 0 only for a zero count; anything else would loop for ever.
            if (w == 0) fail("cannot write", EIO);
            done += static_cast<std::size_t>(w);
        }
    };
    try {
        produce(emit);
    } catch (...) {  // an encoding error, or a failed write that fail() already reported
        if (g.fd >= 0) ::close(g.fd);
        g.fd = -1;
        ::unlink(tmp.c_str());
        throw;
    }
    if (sys.fsync(g.fd) != 0)
        fail("cannot sync", errno);  // never retried: a failed fsync loses data
    const int fd = g.fd;
    g.fd = -1;
    // The descriptor is gone after close() whatever it returns; an error (NFS reports deferred
    // write errors here) means the data may not be on disk, so the old file stays.
    if (sys.close(fd) != 0) fail("cannot close", errno);
    if (sys.rename(tmp.c_str(), path.c_str()) != 0)
        fail("cannot rename the temporary file onto", errno);
    FdGuard d;
    d.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d.fd < 0 || sys.fsync(d.fd) != 0) {
        io_error("saved, but cannot sync the directory of", path, errno);
    }
    remove_stray_temporaries(dir, base);
}

/// write_file_atomic_with for bytes held in memory.
inline void write_file_atomic(const std::string& path, std::string_view bytes) {
    write_file_atomic_with(path, [&](auto& emit) { emit(bytes.data(), bytes.size()); });
}

}  // namespace brine::detail
