// Tests of include/brine/signing/files.hpp: signed saves and loads, and every way a load refuses.
// SPDX-License-Identifier: MIT
#include <sodium.h>

#include <set>

#include "signing_support.hpp"

using namespace signing_test;

TEST_CASE("a signed model loads, as the type and as AnyModel, in both encodings") {
    TempDir dir;
    const brine::KeyPair kp = brine::generate_key_pair();
    const brine::TrustedKeys keys{kp.public_key};
    const auto model = fixtures::logistic_binary();
    for (const char* name : {"m.brine", "m.json"}) {
        const std::string path = dir.file(name);
        brine::save_signed(model, path, kp.secret_key, sign_as("fraud-scorer", 42), fixed_time());
        // The model file is exactly what brine::save writes: signing does not change the format.
        brine::save(model, dir.file(std::string("plain-") + name), fixed_time());
        CHECK(read_all(path) == read_all(dir.file(std::string("plain-") + name)));

        CHECK(brine::load_signed<brine::LogisticRegression>(path, keys,
                                                            require("fraud-scorer", 42)) == model);
        CHECK(brine::load_any_signed(path, keys, require("fraud-scorer")) ==
              brine::AnyModel(model));
        const brine::SignatureInfo info = brine::verify_file(path, keys);
        CHECK(info.key_id == kp.public_key.id);
        REQUIRE(info.binding);
        CHECK(info.binding->name == "fraud-scorer");
        CHECK(info.binding->version == 42);
        CHECK(info.binding->kind == "logistic_regression");
        CHECK(
            info.trusted_comment ==
            "brine-v1 name=fraud-scorer version=42 kind=logistic_regression timestamp=1767322800");
    }
}

TEST_CASE("sign_file signs a saved file without changing it, and refuses a non-brine file") {
    TempDir dir;
    const brine::KeyPair kp = brine::generate_key_pair();
    const std::string path = dir.file("tree.brine");
    brine::save(fixtures::tree_classifier(), path);
    const std::string before = read_all(path);
    brine::sign_file(path, kp.secret_key, sign_as("trees", 1));
    CHECK(read_all(path) == before);
    CHECK(brine::load_signed<brine::DecisionTree>(path, {kp.public_key}, require("trees")) ==
          fixtures::tree_classifier());

    write_all(dir.file("junk"), "not a model at all");
    BRINE_CHECK_THROWS_CODE(brine::sign_file(dir.file("junk"), kp.secret_key, sign_as("x", 1)),
                            brine::Errc::not_brine_file, "");
    CHECK_FALSE(std::filesystem::exists(dir.file("junk.minisig")));
    BRINE_CHECK_THROWS_CODE(brine::sign_file(path, kp.secret_key, sign_as("bad name", 1)),
                            brine::Errc::invalid_argument, "model name 'bad name'");
}

TEST_CASE("one flipped bit anywhere in the model file is refused as a bad signature") {
    TempDir dir;
    const brine::KeyPair kp = brine::generate_key_pair();
    const std::string path = dir.file("m.brine");
    brine::save_signed(fixtures::linear(), path, kp.secret_key, sign_as("lin", 1));
    const std::string good = read_all(path);
    for (std::size_t i = 0; i < good.size(); ++i) {
        write_all(path, flip(good, i, static_cast<unsigned char>(1u << (i % 8))));
        BRINE_CHECK_THROWS_CODE(brine::load_signed<brine::LinearRegression>(path, {kp.public_key}),
                                brine::Errc::bad_signature, "does not match '" + path + "'");
    }
    // The error names the model file as a field too.
    try {
        brine::load_signed<brine::LinearRegression>(path, {kp.public_key});
        FAIL("no error");
    } catch (const brine::Error& e) {
        CHECK(e.code() == brine::Errc::bad_signature);
        CHECK(e.path() == path);
    }
    // Appending or dropping a byte is no better.
    write_all(path, good + "x");
    BRINE_CHECK_THROWS_CODE(brine::load_any_signed(path, {kp.public_key}),
                            brine::Errc::bad_signature, kp.public_key.id.hex());
    write_all(path, good.substr(0, good.size() - 1));
    BRINE_CHECK_THROWS_CODE(brine::load_any_signed(path, {kp.public_key}),
                            brine::Errc::bad_signature, kp.public_key.id.hex());
}

TEST_CASE("one flipped bit anywhere in the signature is refused, except in the untrusted comment") {
    TempDir dir;
    const brine::KeyPair kp = brine::generate_key_pair();
    const std::string path = dir.file("m.brine");
    brine::save_signed(fixtures::linear(), path, kp.secret_key, sign_as("lin", 1));
    const std::string sig = read_all(path + ".minisig");
    const std::size_t comment_end = sig.find('\n');
    const std::size_t comment_start = std::string("untrusted comment: ").size();
    const std::set<brine::Errc> refusals{brine::Errc::bad_signature, brine::Errc::malformed,
                                         brine::Errc::truncated, brine::Errc::untrusted_key,
                                         brine::Errc::bad_algorithm};
    for (std::size_t i = 0; i < sig.size(); ++i) {
        for (unsigned char mask : {0x01, 0x20, 0x80}) {
            const std::string bad = flip(sig, i, mask);
            write_all(path + ".minisig", bad);
            const bool untrusted_text = i >= comment_start && i < comment_end &&
                                        static_cast<unsigned char>(bad[i]) >= 0x20 &&
                                        static_cast<unsigned char>(bad[i]) != 0x7f;
            try {
                (void)brine::load_signed<brine::LinearRegression>(path, {kp.public_key});
                // Line 1 is minisign's unsigned comment: changing its text changes nothing.
                INFO("byte " << i << " mask " << int(mask) << " loads");
                CHECK(untrusted_text);
            } catch (const brine::Error& e) {
                INFO("byte " << i << " mask " << int(mask) << ": " << e.what());
                CHECK(refusals.count(e.code()) == 1);
                CHECK_FALSE(untrusted_text);
            }
        }
    }
}

TEST_CASE(
    "an untrusted key, a stripped signature and another file's signature: each its own code") {
    TempDir dir;
    const brine::KeyPair kp = brine::generate_key_pair();
    const brine::KeyPair other = brine::generate_key_pair();
    const std::string a = dir.file("a.brine"), b = dir.file("b.brine");
    brine::save_signed(fixtures::linear(), a, kp.secret_key, sign_as("lin", 3));
    brine::save_signed(fixtures::linear_multi(), b, kp.secret_key, sign_as("lin", 3));

    SECTION("signed by a key that is not trusted") {
        brine::save_signed(fixtures::linear(), a, other.secret_key, sign_as("lin", 3));
        BRINE_CHECK_THROWS_CODE(brine::load_signed<brine::LinearRegression>(a, {kp.public_key}),
                                brine::Errc::untrusted_key,
                                "signature '" + a + ".minisig' of '" + a + "' is by key id " +
                                    other.public_key.id.hex() +
                                    ", which is not trusted (trusted: " + kp.public_key.id.hex() +
                                    ")");
    }
    SECTION("no signature file") {
        std::filesystem::remove(a + ".minisig");
        BRINE_CHECK_THROWS_CODE(brine::load_signed<brine::LinearRegression>(a, {kp.public_key}),
                                brine::Errc::missing_signature,
                                "no signature '" + a + ".minisig' for '" + a + "'");
        BRINE_CHECK_THROWS_CODE(brine::verify_file(a, {kp.public_key}),
                                brine::Errc::missing_signature, a);
        try {  // the missing file, as a field
            brine::verify_file(a, {kp.public_key});
        } catch (const brine::Error& e) {
            CHECK(e.path() == a + ".minisig");
        }
    }
    SECTION("the signature of another file, same name and version") {
        std::filesystem::copy_file(b + ".minisig", a + ".minisig",
                                   std::filesystem::copy_options::overwrite_existing);
        BRINE_CHECK_THROWS_CODE(
            brine::load_signed<brine::LinearRegression>(a, {kp.public_key}),
            brine::Errc::bad_signature,
            "(key id " + kp.public_key.id.hex() + ") does not match '" + a + "'");
    }
    SECTION("no trusted keys at all") {
        BRINE_CHECK_THROWS_CODE(brine::load_signed<brine::LinearRegression>(a, {}),
                                brine::Errc::untrusted_key, "(trusted: none)");
    }
}

TEST_CASE("the signed name, version and kind are enforced") {
    TempDir dir;
    const brine::KeyPair kp = brine::generate_key_pair();
    const brine::TrustedKeys keys{kp.public_key};
    const std::string path = dir.file("m.brine");
    brine::save_signed(fixtures::linear(), path, kp.secret_key, sign_as("pricing", 7));

    BRINE_CHECK_THROWS_CODE(
        brine::load_signed<brine::LinearRegression>(path, keys, require("fraud-scorer")),
        brine::Errc::name_mismatch, "is for model 'pricing', expected 'fraud-scorer'");
    BRINE_CHECK_THROWS_CODE(
        brine::load_signed<brine::LinearRegression>(path, keys, require("pricing", 8)),
        brine::Errc::version_rollback, "is for version 7 of 'pricing', the minimum accepted is 8");
    CHECK_NOTHROW(brine::load_signed<brine::LinearRegression>(path, keys, require("pricing", 7)));
    CHECK_NOTHROW(brine::load_signed<brine::LinearRegression>(path, keys, require("", 0)));
    BRINE_CHECK_THROWS_CODE(brine::load_signed<brine::StandardScaler>(path, keys),
                            brine::Errc::kind_mismatch,
                            "was made for a linear_regression, the file holds a standard_scaler");

    // A signature whose comment claims another kind than the file holds (made with libsodium
    // directly, as a signer with a wrong manifest would).
    brine::ModelBinding lie;
    lie.name = "pricing";
    lie.version = 7;
    lie.kind = "decision_tree";
    brine::detail::Blake2b512 h;
    const std::string bytes = read_all(path);
    h.update(bytes.data(), bytes.size());
    const auto s = brine::detail::make_signature(kp.secret_key, h.final(), lie, sign_as("x", 0));
    write_all(path + ".minisig", s.to_text());
    BRINE_CHECK_THROWS_CODE(brine::load_any_signed(path, keys), brine::Errc::kind_mismatch,
                            "was made for a decision_tree, the file holds a linear_regression");
}

TEST_CASE("a legacy minisign 'Ed' signature is refused with its own code") {
    TempDir dir;
    const brine::KeyPair kp = brine::generate_key_pair();
    const std::string path = dir.file("m.brine");
    brine::save(fixtures::linear(), path);
    const std::string bytes = read_all(path);
    // Legacy minisign: Ed25519 over the file itself, algorithm bytes "Ed"; made here with
    // libsodium.
    brine::MinisignSignature s;
    s.untrusted_comment = "legacy";
    s.algorithm = {{'E', 'd'}};
    s.key_id = kp.public_key.id;
    crypto_sign_detached(s.signature.data(), nullptr,
                         reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                         kp.secret_key.bytes());
    s.trusted_comment = "brine-v1 name=lin version=1 kind=linear_regression";
    std::string m(reinterpret_cast<const char*>(s.signature.data()), 64);
    m += s.trusted_comment;
    crypto_sign_detached(s.global_signature.data(), nullptr,
                         reinterpret_cast<const unsigned char*>(m.data()), m.size(),
                         kp.secret_key.bytes());
    write_all(path + ".minisig", s.to_text());
    BRINE_CHECK_THROWS_CODE(brine::load_signed<brine::LinearRegression>(path, {kp.public_key}),
                            brine::Errc::bad_algorithm,
                            "signature '" + path + ".minisig' of '" + path + "' (key id " +
                                kp.public_key.id.hex() + ") is a legacy minisign 'Ed' signature");
}

TEST_CASE("key rotation: every trusted key is accepted, a removed one is not") {
    TempDir dir;
    const brine::KeyPair old_key = brine::generate_key_pair();
    const brine::KeyPair new_key = brine::generate_key_pair();
    const std::string a = dir.file("a.brine"), b = dir.file("b.brine");
    brine::save_signed(fixtures::linear(), a, old_key.secret_key, sign_as("lin", 1));
    brine::save_signed(fixtures::linear(), b, new_key.secret_key, sign_as("lin", 2));
    brine::TrustedKeys both{old_key.public_key, new_key.public_key};
    CHECK(both.size() == 2);
    CHECK_NOTHROW(brine::load_signed<brine::LinearRegression>(a, both));
    CHECK_NOTHROW(brine::load_signed<brine::LinearRegression>(b, both));
    const brine::TrustedKeys only_new{new_key.public_key};
    BRINE_CHECK_THROWS_CODE(brine::load_signed<brine::LinearRegression>(a, only_new),
                            brine::Errc::untrusted_key, old_key.public_key.id.hex());

    // Two different keys under one id are refused when the set is built.
    brine::PublicKey clash = new_key.public_key;
    clash.id = old_key.public_key.id;
    BRINE_CHECK_THROWS_CODE(both.add(clash), brine::Errc::invalid_argument,
                            "key id " + old_key.public_key.id.hex());
}

TEST_CASE("a save_signed over an existing signed model replaces both, and an explicit path works") {
    TempDir dir;
    const brine::KeyPair kp = brine::generate_key_pair();
    const std::string path = dir.file("m.brine");
    brine::save_signed(fixtures::linear(), path, kp.secret_key, sign_as("lin", 1));
    brine::save_signed(fixtures::linear_multi(), path, kp.secret_key, sign_as("lin", 2));
    CHECK(brine::load_signed<brine::LinearRegression>(path, {kp.public_key}, require("lin", 2)) ==
          fixtures::linear_multi());
    CHECK(dir.entries() == 2);  // the model and its signature, no temporaries

    brine::SignOptions so = sign_as("lin", 3);
    so.signature_path = dir.file("elsewhere.sig");
    brine::sign_file(path, kp.secret_key, so);
    brine::SignaturePolicy p = require("lin", 3);
    p.signature_path = so.signature_path;
    CHECK_NOTHROW(brine::load_signed<brine::LinearRegression>(path, {kp.public_key}, p));
}

TEST_CASE("load_signed refuses a model file over the size limit before reading it") {
    TempDir dir;
    const brine::KeyPair kp = brine::generate_key_pair();
    const std::string path = dir.file("m.brine");
    brine::save_signed(fixtures::linear(), path, kp.secret_key, sign_as("lin", 1));
    brine::LoadOptions small;
    small.max_file_bytes = 10;
    BRINE_CHECK_THROWS_CODE(
        brine::load_signed<brine::LinearRegression>(path, {kp.public_key}, {}, small),
        brine::Errc::limit_exceeded, "the limit is 10");
    BRINE_CHECK_THROWS_CODE(
        brine::load_signed<brine::LinearRegression>(dir.path.string(), {kp.public_key}),
        brine::Errc::missing_signature, "");
}

TEST_CASE("the README's signing example, with its brace-initialised options") {
    TempDir dir;
    const brine::KeyPair kp = brine::generate_key_pair();
    brine::write_secret_key(kp.secret_key, dir.file("brine.key"));
    const std::string path = dir.file("model.brine");
    const auto model = fixtures::logistic_binary();

    auto key = brine::SecretKey::read(dir.file("brine.key"));
    brine::save_signed(model, path, key, {"fraud-scorer", 42});

    const brine::TrustedKeys keys{brine::PublicKey::parse(kp.public_key.to_base64())};
    auto m = brine::load_signed<brine::LogisticRegression>(path, keys,
                                                           {"fraud-scorer", /*min_version=*/42});
    CHECK(m == model);
}
