// File reading and atomic writing for brine's signatures: a model file read once while its digest
// is computed, small files (signatures, keys) read whole, and atomic replacement. Internal.
// SPDX-License-Identifier: MIT
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "brine/detail/text.hpp"
#include "brine/error.hpp"
#include "brine/signing/detail/sodium.hpp"

namespace brine::detail {

[[noreturn]] inline void signing_io_error(const std::string& what, const std::string& path,
                                          int err) {
    throw Error(Errc::io, what + " '" + path + "': " + os_error_text(err)).with_path(path);
}

/// Closes a descriptor on scope exit.
struct SigningFd {
    int fd = -1;
    SigningFd() = default;
    SigningFd(const SigningFd&) = delete;
    SigningFd& operator=(const SigningFd&) = delete;
    ~SigningFd() {
        if (fd >= 0) ::close(fd);
    }
};

/// Opens a regular file for reading, refusing directories, FIFOs (opened non-blocking, so a
/// missing writer cannot hang the call) and devices, and files over `max_bytes`. Returns its size.
/// `missing` is the code for a file that does not exist.
inline std::uint64_t open_regular(SigningFd& f, const std::string& path, std::uint64_t max_bytes,
                                  Errc missing, const std::string& missing_text) {
    f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (f.fd < 0) {
        if (errno == ENOENT) throw Error(missing, missing_text).with_path(path);
        signing_io_error("cannot open", path, errno);
    }
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) signing_io_error("cannot stat", path, errno);
    if (!S_ISREG(st.st_mode)) {
        throw Error(Errc::io, "cannot read '" + path +
                                  "': not a regular file (a directory, FIFO, socket or device)")
            .with_path(path);
    }
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > max_bytes) {
        throw Error(Errc::limit_exceeded, "file '" + path + "' has " + std::to_string(size) +
                                              " bytes, the limit is " + std::to_string(max_bytes))
            .with_limit(max_bytes)
            .with_path(path);
    }
    const int flags = ::fcntl(f.fd, F_GETFL);
    if (flags >= 0) ::fcntl(f.fd, F_SETFL, flags & ~O_NONBLOCK);
    return size;
}

/// Reads up to n bytes; returns how many (0 at end of file).
inline std::size_t read_some(int fd, char* dst, std::size_t n, const std::string& path) {
    for (;;) {
        const ssize_t r = ::read(fd, dst, n);
        if (r >= 0) return static_cast<std::size_t>(r);
        if (errno != EINTR) signing_io_error("cannot read", path, errno);
    }
}

/// A file's bytes, read once, with the BLAKE2b-512 digest computed chunk by chunk as they arrive
/// (each chunk is hashed while it is still in cache). `keep` false hashes through a fixed 1 MiB
/// buffer and keeps nothing (verification of a file brine will not decode).
struct HashedFile {
    std::unique_ptr<char[]> data;
    std::size_t size = 0;
    Digest digest{};
    std::string_view view() const noexcept { return {data.get(), size}; }

    static HashedFile read(const std::string& path, std::uint64_t max_bytes, bool keep,
                           Errc missing = Errc::io) {
        SigningFd f;
        const std::uint64_t size =
            open_regular(f, path, max_bytes, missing, "no such file '" + path + "'");
        constexpr std::size_t chunk = std::size_t{1} << 20;
        HashedFile out;
        // Not zero-filled: every byte is overwritten by read() before it is used.
        const std::size_t capacity =
            keep ? static_cast<std::size_t>(size) : std::min<std::size_t>(chunk, size);
        out.data.reset(new char[capacity ? capacity : 1]);
        Blake2b512 h;
        std::uint64_t done = 0;
        while (done < size) {
            const std::size_t want =
                static_cast<std::size_t>(std::min<std::uint64_t>(chunk, size - done));
            char* dst = keep ? out.data.get() + done : out.data.get();
            std::size_t got = 0;
            while (got < want) {
                const std::size_t r = read_some(f.fd, dst + got, want - got, path);
                if (r == 0) {
                    throw Error(Errc::io, "file '" + path + "' shrank while being read: expected " +
                                              std::to_string(size) + " bytes, got " +
                                              std::to_string(done + got))
                        .with_path(path);
                }
                got += r;
            }
            h.update(dst, want);
            done += want;
        }
        char extra;
        if (read_some(f.fd, &extra, 1, path) != 0)
            throw Error(Errc::io, "file '" + path + "' grew while being read").with_path(path);
        out.size = keep ? static_cast<std::size_t>(size) : 0;
        out.digest = h.final();
        return out;
    }
};

/// A small text file (signature, key) read whole, refused over `max_bytes`.
inline std::string read_small_file(const std::string& path, std::uint64_t max_bytes, Errc missing,
                                   const std::string& missing_text) {
    SigningFd f;
    const std::uint64_t size = open_regular(f, path, max_bytes, missing, missing_text);
    std::string out(static_cast<std::size_t>(size), '\0');
    std::size_t got = 0;
    while (got < out.size()) {
        const std::size_t r = read_some(f.fd, &out[got], out.size() - got, path);
        if (r == 0) break;
        got += r;
    }
    out.resize(got);
    char extra;
    if (read_some(f.fd, &extra, 1, path) != 0)
        throw Error(Errc::io, "file '" + path + "' grew while being read").with_path(path);
    return out;
}

/// Replaces `path` with `bytes` atomically: a temporary file in the same directory, written,
/// fsync'ed, renamed over `path`, then the directory fsync'ed. Whatever happens, `path` holds its
/// old content or the new one, complete; on failure the temporary is removed and Errc::io names
/// the failing step. The file gets `mode` (0600 for secret keys).
inline void write_file_atomic_bytes(const std::string& path, std::string_view bytes, mode_t mode) {
    const std::size_t slash = path.find_last_of('/');
    const std::string dir =
        slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    if (base.empty())
        throw Error(Errc::io, "cannot write '" + path + "': it names a directory").with_path(path);
    std::string tmp = (dir == "/" ? "" : dir) + "/." + base + ".brine-sig-XXXXXX";
    SigningFd g;
    g.fd = ::mkostemp(tmp.data(), O_CLOEXEC);
    if (g.fd < 0) signing_io_error("cannot create a temporary file next to", path, errno);
    auto fail = [&](const char* what, int err) {
        ::close(g.fd);
        g.fd = -1;
        ::unlink(tmp.c_str());
        signing_io_error(what, path, err);
    };
    if (::fchmod(g.fd, mode) != 0) fail("cannot set permissions for", errno);
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t w = ::write(g.fd, bytes.data() + done, bytes.size() - done);
        if (w < 0) {
            if (errno == EINTR) continue;
            fail("cannot write", errno);
        }
        if (w == 0) fail("cannot write", EIO);
        done += static_cast<std::size_t>(w);
    }
    if (::fsync(g.fd) != 0) fail("cannot sync", errno);
    const int fd = g.fd;
    g.fd = -1;
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        signing_io_error("cannot close", path, err);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        signing_io_error("cannot rename the temporary file onto", path, err);
    }
    SigningFd d;
    d.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d.fd < 0 || ::fsync(d.fd) != 0)
        signing_io_error("written, but cannot sync the directory of", path, errno);
}

}  // namespace brine::detail
