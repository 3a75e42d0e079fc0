// Reading a whole file safely and replacing a file atomically (POSIX).
// SPDX-License-Identifier: MIT
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "brine/error.hpp"

namespace brine::detail {

[[noreturn]] inline void io_error(const std::string& what, const std::string& path, int err) {
    throw Error(Errc::io, what + " '" + path + "': " + std::strerror(err));
}

/// Closes a descriptor on scope exit.
struct FdGuard {
    int fd = -1;
    ~FdGuard() {
        if (fd >= 0) ::close(fd);
    }
};

/// The bytes of a file, read once into memory that is not zero-filled first.
class FileBytes {
public:
    std::string_view view() const noexcept { return {data_.get(), size_}; }
    std::size_t size() const noexcept { return size_; }

    /// Reads at most `max_bytes` bytes of a regular file, or only its first `prefix` bytes when
    /// `prefix` is non-zero. Directories, FIFOs and devices are refused before any read (a FIFO
    /// is opened non-blocking so that a missing writer cannot hang the call).
    static FileBytes read(const std::string& path, std::uint64_t max_bytes, std::size_t prefix = 0) {
        FdGuard g;
        g.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        if (g.fd < 0) io_error("cannot open", path, errno);
        struct stat st {};
        if (::fstat(g.fd, &st) != 0) io_error("cannot stat", path, errno);
        if (S_ISDIR(st.st_mode)) throw Error(Errc::io, "cannot load '" + path + "': it is a directory");
        if (!S_ISREG(st.st_mode)) {
            throw Error(Errc::io, "cannot load '" + path +
                                      "': not a regular file (FIFO, socket or device)");
        }
        const auto file_size = static_cast<std::uint64_t>(st.st_size);
        if (file_size > max_bytes) {
            throw Error(Errc::limit_exceeded, "file '" + path + "' has " + std::to_string(file_size) +
                                                  " bytes, the limit is " + std::to_string(max_bytes));
        }
        const int flags = ::fcntl(g.fd, F_GETFL);
        if (flags >= 0) ::fcntl(g.fd, F_SETFL, flags & ~O_NONBLOCK);

        FileBytes out;
        const std::size_t want = prefix && prefix < file_size ? prefix : static_cast<std::size_t>(file_size);
        out.data_.reset(new char[want ? want : 1]);
        std::size_t got = 0;
        while (got < want) {
            const ssize_t r = ::read(g.fd, out.data_.get() + got, want - got);
            if (r < 0) {
                if (errno == EINTR) continue;
                io_error("cannot read", path, errno);
            }
            if (r == 0) break;
            got += static_cast<std::size_t>(r);
        }
        if (got != want) {
            throw Error(Errc::io, "file '" + path + "' shrank while being read: expected " +
                                      std::to_string(want) + " bytes, got " + std::to_string(got));
        }
        if (!prefix) {
            char extra;
            ssize_t r;
            do r = ::read(g.fd, &extra, 1); while (r < 0 && errno == EINTR);
            if (r > 0) throw Error(Errc::io, "file '" + path + "' grew while being read");
        }
        out.size_ = got;
        out.file_size_ = file_size;
        return out;
    }

    std::uint64_t file_size() const noexcept { return file_size_; }

private:
    std::unique_ptr<char[]> data_;
    std::size_t size_ = 0;
    std::uint64_t file_size_ = 0;
};

/// Replaces `path` with `bytes` so that, whatever happens (crash, kill, full disk), the path holds
/// either its old content or the new one, complete: the bytes go to a temporary file in the same
/// directory, which is fsync'ed, then renamed over `path`, then the directory is fsync'ed. On any
/// failure the temporary is removed, the old file is left untouched and Errc::io is thrown.
inline void write_file_atomic(const std::string& path, std::string_view bytes) {
    const std::size_t slash = path.find_last_of('/');
    const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    if (base.empty()) throw Error(Errc::io, "cannot save to '" + path + "': it names a directory");

    std::string tmp = (dir == "/" ? "" : dir) + "/." + base + ".brine-tmp-XXXXXX";
    FdGuard g;
    g.fd = ::mkostemp(tmp.data(), O_CLOEXEC);
    if (g.fd < 0) io_error("cannot create a temporary file next to", path, errno);

    auto fail = [&](const char* what, int err) {
        ::close(g.fd);
        g.fd = -1;
        ::unlink(tmp.c_str());
        io_error(what, path, err);
    };
    // mkstemp creates 0600; give the new file the permissions of the file it replaces, or the
    // usual 0644 for a new one.
    struct stat old {};
    const mode_t mode = ::stat(path.c_str(), &old) == 0 ? (old.st_mode & 07777) : 0644;
    if (::fchmod(g.fd, mode) != 0) fail("cannot set permissions for", errno);

    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t w = ::write(g.fd, bytes.data() + done, bytes.size() - done);
        if (w < 0) {
            if (errno == EINTR) continue;
            fail("cannot write", errno);
        }
        done += static_cast<std::size_t>(w);
    }
    if (::fsync(g.fd) != 0) fail("cannot sync", errno);  // never retried: a failed fsync loses data
    const int fd = g.fd;
    g.fd = -1;
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        io_error("cannot close", path, err);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        io_error("cannot rename the temporary file onto", path, err);
    }
    FdGuard d;
    d.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d.fd < 0 || ::fsync(d.fd) != 0) {
        io_error("saved, but cannot sync the directory of", path, errno);
    }
}

}  // namespace brine::detail
