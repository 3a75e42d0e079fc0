// Interoperability with the minisign command (Debian's minisign package), both ways: minisign
// verifies what brine signs, brine verifies what minisign signs, and each reads the other's keys.
// SPDX-License-Identifier: MIT
#include <algorithm>

#include "signing_support.hpp"

using namespace signing_test;

namespace {

const std::string minisign = BRINE_MINISIGN;

/// False, with a message in the test output, when the minisign command is not installed.
bool have_minisign() {
    if (minisign.empty()) {
        WARN(
            "SKIPPED: minisign is not installed (Debian: apt-get install minisign, or "
            "scripts/setup-debian.sh); the interoperability checks did not run");
        return false;
    }
    return true;
}

/// minisign -V on `file`; true when minisign accepts the signature. Its output goes to `out`.
bool minisign_verifies(const TempDir& dir, const std::string& file, const std::string& pub) {
    return run(minisign + " -V -m '" + file + "' -p '" + pub + "' > '" + dir.file("out") +
               "' 2>&1") == 0;
}

}  // namespace

TEST_CASE("minisign verifies a model brine signed, and refuses it once a byte changes") {
    if (!have_minisign()) return;
    TempDir dir;
    const brine::KeyPair kp = brine::generate_key_pair();
    brine::write_public_key(kp.public_key, dir.file("brine.pub"));
    const std::string path = dir.file("model.brine");
    brine::save_signed(fixtures::pipeline_classifier(), path, kp.secret_key, sign_as("scorer", 5));
    REQUIRE(minisign_verifies(dir, path, dir.file("brine.pub")));
    CHECK_THAT(read_all(dir.file("out")),
               BRINE_CONTAINS("Trusted comment: brine-v1 name=scorer version=5 kind=pipeline"));

    const std::string good = read_all(path);
    write_all(path, flip(good, good.size() / 2));
    CHECK_FALSE(minisign_verifies(dir, path, dir.file("brine.pub")));
    CHECK_THAT(read_all(dir.file("out")), BRINE_CONTAINS("Signature verification failed"));
}

TEST_CASE("brine loads a model minisign signed with a brine trusted comment") {
    if (!have_minisign()) return;
    TempDir dir;
    const std::string pub = dir.file("ci.pub"), sec = dir.file("ci.key"),
                      path = dir.file("model.brine");
    // An unencrypted key pair, as a CI secret store would hold it (-W).
    REQUIRE(run(minisign + " -G -W -p '" + pub + "' -s '" + sec + "' > /dev/null 2>&1") == 0);
    brine::save(fixtures::standard_scaler(), path);
    REQUIRE(run(minisign + " -S -s '" + sec + "' -m '" + path +
                "' -t 'brine-v1 name=scaler version=9 kind=standard_scaler' > /dev/null 2>&1") ==
            0);

    const brine::TrustedKeys keys{brine::PublicKey::parse(read_all(pub))};
    CHECK(brine::load_signed<brine::StandardScaler>(path, keys, require("scaler", 9)) ==
          fixtures::standard_scaler());
    BRINE_CHECK_THROWS_CODE(
        brine::load_signed<brine::StandardScaler>(path, keys, require("scaler", 10)),
        brine::Errc::version_rollback, "is for version 9 of 'scaler'");

    // minisign's default trusted comment binds no model: verify_file accepts the signature,
    // load_signed refuses to load a model nobody bound to a name and version.
    REQUIRE(run(minisign + " -S -s '" + sec + "' -m '" + path + "' > /dev/null 2>&1") == 0);
    const brine::SignatureInfo info = brine::verify_file(path, keys);
    CHECK_THAT(info.trusted_comment, BRINE_CONTAINS("file:model.brine"));
    CHECK_FALSE(info.binding);
    BRINE_CHECK_THROWS_CODE(brine::load_signed<brine::StandardScaler>(path, keys),
                            brine::Errc::malformed, "does not bind a brine model");

    // A legacy signature (-l: Ed25519 over the whole file) is refused with its own code.
    REQUIRE(run(minisign + " -S -l -s '" + sec + "' -m '" + path +
                "' -t 'brine-v1 name=scaler version=9 kind=standard_scaler' > /dev/null 2>&1") ==
            0);
    BRINE_CHECK_THROWS_CODE(brine::load_signed<brine::StandardScaler>(path, keys),
                            brine::Errc::bad_algorithm, "legacy minisign 'Ed' signature");
    BRINE_CHECK_THROWS_CODE(brine::verify_file(path, keys), brine::Errc::bad_algorithm, keys.ids());
}

TEST_CASE("brine signs with minisign's unencrypted key; minisign signs with brine's keys") {
    if (!have_minisign()) return;
    TempDir dir;
    const std::string path = dir.file("model.brine");
    brine::save(fixtures::linear(), path);

    SECTION("a minisign -W secret key, read by brine") {
        REQUIRE(run(minisign + " -G -W -p '" + dir.file("m.pub") + "' -s '" + dir.file("m.key") +
                    "' > /dev/null 2>&1") == 0);
        const brine::SecretKey sk = brine::SecretKey::read(dir.file("m.key"));
        CHECK(sk.public_key().to_base64() ==
              brine::PublicKey::parse(read_all(dir.file("m.pub"))).to_base64());
        brine::sign_file(path, sk, sign_as("lin", 1));
        CHECK(minisign_verifies(dir, path, dir.file("m.pub")));
    }
    SECTION("brine's unencrypted and password-protected secret keys, used by minisign") {
        const brine::KeyPair kp = brine::generate_key_pair();
        brine::write_public_key(kp.public_key, dir.file("b.pub"));
        brine::write_secret_key(kp.secret_key, dir.file("plain.key"));
        brine::KeyProtection p;
        p.password = "correct horse";
        p.kdf_opslimit = crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_INTERACTIVE;
        p.kdf_memlimit = crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_INTERACTIVE;
        brine::write_secret_key(kp.secret_key, dir.file("locked.key"), p);
        const auto owner_only =
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;
        CHECK((std::filesystem::status(dir.file("locked.key")).permissions() &
               std::filesystem::perms::all) == owner_only);

        REQUIRE(run(minisign + " -S -s '" + dir.file("plain.key") + "' -m '" + path +
                    "' -t 'brine-v1 name=lin version=2 kind=linear_regression' > /dev/null 2>&1") ==
                0);
        CHECK(brine::load_signed<brine::LinearRegression>(path, {kp.public_key},
                                                          require("lin", 2)) == fixtures::linear());

        // minisign reads the password from standard input when it is not a terminal.
        REQUIRE(run("echo 'correct horse' | " + minisign + " -S -s '" + dir.file("locked.key") +
                    "' -m '" + path +
                    "' -t 'brine-v1 name=lin version=3 kind=linear_regression' > /dev/null 2>&1") ==
                0);
        CHECK_NOTHROW(
            brine::load_signed<brine::LinearRegression>(path, {kp.public_key}, require("lin", 3)));
        CHECK(run("echo 'wrong' | " + minisign + " -S -s '" + dir.file("locked.key") + "' -m '" +
                  path + "' > /dev/null 2>&1") != 0);
    }
}

TEST_CASE("brine reads a secret key minisign encrypted with a password") {
    if (!have_minisign()) return;
    TempDir dir;
    // minisign -G derives the key with scrypt at its "sensitive" cost (1 GiB, a few seconds),
    // and brine must do the same to read it: the one expensive test of this suite.
    REQUIRE(run("printf 'tr0ub4dor\\ntr0ub4dor\\n' | " + minisign + " -G -p '" + dir.file("m.pub") +
                "' -s '" + dir.file("m.key") + "' > /dev/null 2>&1") == 0);
    CHECK_THAT(read_all(dir.file("m.key")),
               BRINE_CONTAINS("untrusted comment: minisign encrypted"));
    BRINE_CHECK_THROWS_CODE(brine::SecretKey::read(dir.file("m.key")),
                            brine::Errc::invalid_argument, "is encrypted: a password is needed");
    const brine::SecretKey sk = brine::SecretKey::read(dir.file("m.key"), "tr0ub4dor");
    const brine::PublicKey pk = brine::PublicKey::parse(read_all(dir.file("m.pub")));
    CHECK(sk.id() == pk.id);
    CHECK(sk.public_key().key == pk.key);
    const std::string path = dir.file("model.brine");
    brine::save_signed(fixtures::linear(), path, sk, sign_as("lin", 1));
    CHECK(minisign_verifies(dir, path, dir.file("m.pub")));
    // The public key file's comment carries the key id as minisign prints it (0.11 drops leading
    // zeros, later versions keep 16 digits).
    std::string id = pk.id.hex();
    id.erase(0, std::min(id.find_first_not_of('0'), id.size() - 1));
    CHECK_THAT(read_all(dir.file("m.pub")), BRINE_CONTAINS("minisign public key "));
    CHECK_THAT(read_all(dir.file("m.pub")), BRINE_CONTAINS(id + "\n"));
}
