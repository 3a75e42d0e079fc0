// File access: atomic saves that never leave a half-written file or a temporary behind, and
// loads that refuse directories, FIFOs, devices and missing paths with the OS's reason.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <type_traits>

#include "brine_catch.hpp"
#include "io_fixtures.hpp"
#include "model_fixtures.hpp"
#include "temp_dir.hpp"

// An open file is moved, never copied: a copy's destructor would close the descriptor the other
// still reads from (load failed with EBADF when built with -fno-elide-constructors).
static_assert(!std::is_copy_constructible_v<brine::detail::FdGuard>);
static_assert(std::is_nothrow_move_constructible_v<brine::detail::FdGuard>);
static_assert(!std::is_copy_constructible_v<brine::detail::InputFile>);
static_assert(std::is_move_constructible_v<brine::detail::InputFile>);

using brine::Errc;

namespace {

using io_fixtures::big_linear;

}  // namespace

TEST_CASE("save replaces an existing file and leaves no temporary", "[io][files]") {
    TempDir dir;
    const std::string path = dir.file("m.brine");
    brine::save(fixtures::linear(), path);
    brine::save(fixtures::tree_classifier(), path);
    CHECK(brine::load<brine::DecisionTree>(path) == fixtures::tree_classifier());
    CHECK(dir.entries() == 1);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    const mode_t mask = ::umask(0);
    ::umask(mask);
    CHECK((st.st_mode & 0777) == (0666 & ~mask));  // a new file's mode (permissions_test)
}

TEST_CASE("save keeps the permissions of the file it replaces", "[io][files]") {
    TempDir dir;
    const std::string path = dir.file("m.brine");
    brine::save(fixtures::linear(), path);
    REQUIRE(::chmod(path.c_str(), 0600) == 0);
    brine::save(fixtures::linear(), path);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("a failed save leaves the old content and no temporary", "[io][files]") {
    TempDir dir;
    SECTION("missing directory") {
        BRINE_CHECK_THROWS_CODE(brine::save(fixtures::linear(), dir.file("no/such/dir/m.brine")),
                                Errc::io, "cannot create a temporary file next to");
        CHECK(dir.entries() == 0);
    }
    SECTION("the target is a directory") {
        std::filesystem::create_directory(dir.file("target"));
        BRINE_CHECK_THROWS_CODE(brine::save(fixtures::linear(), dir.file("target")), Errc::io,
                                "cannot rename the temporary file onto");
        CHECK(std::filesystem::is_directory(dir.file("target")));
        CHECK(dir.entries() == 1);
    }
    SECTION("an invalid model writes nothing") {
        brine::LinearRegression bad = fixtures::linear();
        bad.intercept.resize(2);
        brine::save(fixtures::linear(), dir.file("m.brine"));
        const std::string before = read_all(dir.file("m.brine"));
        BRINE_CHECK_THROWS_CODE(brine::save(bad, dir.file("m.brine")), Errc::invalid_model,
                                "intercept");
        CHECK(read_all(dir.file("m.brine")) == before);
        CHECK(dir.entries() == 1);
    }
    SECTION("the file size limit is hit half-way (EFBIG)") {
        const std::string path = dir.file("m.brine");
        brine::save(fixtures::linear(), path);
        const std::string before = read_all(path);
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            // Child: a 64 KiB file size limit, then a 400 KB save that must fail cleanly.
            ::signal(SIGXFSZ, SIG_IGN);
            struct rlimit rl {
                65536, 65536
            };
            ::setrlimit(RLIMIT_FSIZE, &rl);
            try {
                brine::save(big_linear(50000), path);
            } catch (const brine::Error& e) {
                ::_exit(e.code() == Errc::io &&
                                std::string(e.what()).find("File too large") != std::string::npos
                            ? 0
                            : 2);
            } catch (...) {
                ::_exit(3);
            }
            ::_exit(1);
        }
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        REQUIRE(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
        CHECK(read_all(path) == before);
        CHECK(dir.entries() == 1);
    }
}

TEST_CASE("load refuses what is not a regular file, with the OS's reason", "[io][files]") {
    TempDir dir;
    BRINE_CHECK_THROWS_CODE(brine::load_any(dir.path.string()), Errc::io, "it is a directory");
    BRINE_CHECK_THROWS_CODE(brine::load_any(dir.file("missing.brine")), Errc::io,
                            "No such file or directory");
    BRINE_CHECK_THROWS_CODE(brine::inspect(dir.file("missing.brine")), Errc::io,
                            "No such file or directory");
    BRINE_CHECK_THROWS_CODE(brine::load_any("/dev/zero"), Errc::io, "not a regular file");
    REQUIRE(::mkfifo(dir.file("fifo").c_str(), 0600) == 0);
    BRINE_CHECK_THROWS_CODE(brine::load_any(dir.file("fifo")), Errc::io,
                            "not a regular file");  // must not hang
    write_all(dir.file("plain"), "x");
    BRINE_CHECK_THROWS_CODE(brine::load_any(dir.file("plain") + "/m.brine"), Errc::io,
                            "Not a directory");
    write_all(dir.file("empty"), "");
    BRINE_CHECK_THROWS_CODE(brine::load_any(dir.file("empty")), Errc::truncated, "empty");
    BRINE_CHECK_THROWS_CODE(brine::inspect(dir.file("empty")), Errc::truncated, "empty");
}

TEST_CASE("inspect of a binary file reads only the header", "[io][files]") {
    TempDir dir;
    const std::string path = dir.file("m.brine");
    brine::SaveOptions so;
    so.metadata.feature_names = {"a", "b", "c"};
    brine::save(fixtures::linear(), path, so);
    // Cut the file right after the header: inspect still works, load reports the truncation.
    std::string bytes = read_all(path);
    const auto s = brine::detail::split_binary(bytes);
    write_all(path, bytes.substr(0, 20 + s.header.size()));
    const brine::FileInfo info = brine::inspect(path);
    CHECK(info.metadata.feature_names == so.metadata.feature_names);
    CHECK(info.file_size == 20 + s.header.size());
    BRINE_CHECK_THROWS_CODE(brine::load_any(path), Errc::truncated, "payload length");
}
