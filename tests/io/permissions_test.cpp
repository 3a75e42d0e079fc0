// Permissions of saved files: a new file honours the umask, a replaced file keeps its permission
// bits but never setuid, setgid or sticky, and a symbolic link is replaced, never followed.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"
#include "temp_dir.hpp"

// A named namespace, not an anonymous one: the tests of an area compile together (unity
// batches), and this file's helpers must not meet another file's.
namespace permissions_test {

/// Sets the process's umask for one scope (tests run one at a time in this process).
struct ScopedUmask {
    mode_t old;
    explicit ScopedUmask(mode_t mask) : old(::umask(mask)) {}
    ~ScopedUmask() { ::umask(old); }
    ScopedUmask(const ScopedUmask&) = delete;
    ScopedUmask& operator=(const ScopedUmask&) = delete;
};

struct stat lstat_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st;
}

mode_t mode_of(const std::string& path) { return lstat_of(path).st_mode & 07777; }

const brine::Format formats[] = {brine::Format::binary, brine::Format::json};

brine::SaveOptions in(brine::Format f) {
    brine::SaveOptions so;
    so.format = f;
    return so;
}

TEST_CASE("a new file gets 0666 less the umask", "[io][files][permissions]") {
    for (const brine::Format f : formats) {
        for (const mode_t mask : {mode_t{022}, mode_t{077}, mode_t{027}, mode_t{002}, mode_t{0}}) {
            INFO(brine::format_name(f) << " umask 0" << std::oct << mask);
            TempDir dir;
            const ScopedUmask scoped(mask);
            const std::string path = dir.file("m.brine");
            brine::save(fixtures::linear(), path, in(f));
            CHECK(mode_of(path) == (0666 & ~mask));
            CHECK(brine::load<brine::LinearRegression>(path) == fixtures::linear());
        }
    }
}

TEST_CASE("a large binary file, written as it is encoded, also honours the umask",
          "[io][files][permissions]") {
    TempDir dir;
    const ScopedUmask scoped(027);
    const std::string path = dir.file("big.brine");
    // Over a MiB of payload: the streaming save path.
    brine::LinearRegression big(Eigen::VectorXd::LinSpaced(200000, -1.0, 1.0), 0.5);
    brine::save(big, path);
    CHECK(mode_of(path) == 0640);
}

TEST_CASE("a replaced file keeps its permission bits, whatever the umask",
          "[io][files][permissions]") {
    for (const brine::Format f : formats) {
        for (const mode_t kept :
             {mode_t{0600}, mode_t{0640}, mode_t{0604}, mode_t{0666}, mode_t{0400}, mode_t{0755}}) {
            INFO(brine::format_name(f) << " mode 0" << std::oct << kept);
            TempDir dir;
            const ScopedUmask scoped(077);  // would remove the group and other bits of a new file
            const std::string path = dir.file("m.brine");
            brine::save(fixtures::linear(), path, in(f));
            REQUIRE(::chmod(path.c_str(), kept) == 0);
            brine::save(fixtures::tree_classifier(), path, in(f));
            CHECK(mode_of(path) == kept);
            CHECK(brine::load<brine::DecisionTree>(path) == fixtures::tree_classifier());
            CHECK(dir.entries() == 1);
        }
    }
}

TEST_CASE("a replaced file never passes on setuid, setgid or sticky bits",
          "[io][files][permissions]") {
    for (const brine::Format f : formats) {
        INFO(brine::format_name(f));
        TempDir dir;
        const ScopedUmask scoped(022);
        const std::string path = dir.file("m.brine");
        brine::save(fixtures::linear(), path, in(f));
        REQUIRE(::chmod(path.c_str(), 07755) == 0);
        const mode_t special = mode_of(path) & 07000;
        // The owner may set setuid on their own file; setgid and sticky depend on the system.
        REQUIRE((special & S_ISUID) != 0);
        brine::save(fixtures::linear(), path, in(f));
        CHECK(mode_of(path) == 0755);
    }
}

TEST_CASE("saving over a symbolic link replaces the link and leaves its target alone",
          "[io][files][permissions]") {
    for (const brine::Format f : formats) {
        INFO(brine::format_name(f));
        TempDir dir;
        const ScopedUmask scoped(022);
        const std::string target = dir.file("target");
        write_all(target, "the target's own bytes");
        REQUIRE(::chmod(target.c_str(), 04700) == 0);
        REQUIRE((mode_of(target) & S_ISUID) != 0);
        const std::string link = dir.file("m.brine");
        REQUIRE(::symlink("target", link.c_str()) == 0);

        brine::save(fixtures::linear(), link, in(f));
        // The link is now a regular file with a new file's mode: nothing taken from the target.
        const struct stat st = lstat_of(link);
        CHECK(S_ISREG(st.st_mode));
        CHECK((st.st_mode & 07777) == 0644);
        CHECK(brine::load<brine::LinearRegression>(link) == fixtures::linear());
        CHECK(read_all(target) == "the target's own bytes");
        CHECK(mode_of(target) == 04700);
        CHECK(dir.entries() == 2);
    }
}

TEST_CASE("saving over a dangling symbolic link creates no file at its target",
          "[io][files][permissions]") {
    TempDir dir;
    const ScopedUmask scoped(077);
    const std::string link = dir.file("m.brine");
    REQUIRE(::symlink("elsewhere", link.c_str()) == 0);
    brine::save(fixtures::linear(), link);
    CHECK(S_ISREG(lstat_of(link).st_mode));
    CHECK(mode_of(link) == 0600);
    CHECK(!std::filesystem::exists(dir.file("elsewhere")));
    CHECK(dir.entries() == 1);
}

}  // namespace permissions_test
