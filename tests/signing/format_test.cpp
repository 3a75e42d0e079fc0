// Tests of include/brine/signing/minisign.hpp and keys.hpp: base64, the .minisig parser on hostile
// input, the trusted comment grammar, and secret key files.
// SPDX-License-Identifier: MIT
#include "signing_support.hpp"

using namespace signing_test;

namespace {

std::string b64(std::string_view s) {
    return brine::detail::base64_encode(reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

/// A valid signature's text, made by brine for a small model.
std::string valid_signature(const TempDir& dir, const brine::KeyPair& kp) {
    const std::string path = dir.file("m.brine");
    brine::save_signed(fixtures::linear(), path, kp.secret_key, sign_as("lin", 1));
    return read_all(path + ".minisig");
}

}  // namespace

TEST_CASE("base64 matches the RFC 4648 test vectors and refuses what is not canonical") {
    CHECK(b64("") == "");
    CHECK(b64("f") == "Zg==");
    CHECK(b64("fo") == "Zm8=");
    CHECK(b64("foo") == "Zm9v");
    CHECK(b64("foob") == "Zm9vYg==");
    CHECK(b64("fooba") == "Zm9vYmE=");
    CHECK(b64("foobar") == "Zm9vYmFy");
    unsigned char out[6];
    brine::detail::base64_decode_exact("Zm9vYmFy", out, 6, "x");
    CHECK(std::string(reinterpret_cast<char*>(out), 6) == "foobar");
    BRINE_CHECK_THROWS_CODE(
        brine::detail::base64_decode_exact("Zm9vYm!y", out, 6, "line 2"), brine::Errc::malformed,
        "line 2: bad base64 character '!' at column 7, expected A-Z a-z 0-9 + /");
    BRINE_CHECK_THROWS_CODE(brine::detail::base64_decode_exact("Zh==", out, 1, "x"),
                            brine::Errc::malformed, "non-canonical base64");
    BRINE_CHECK_THROWS_CODE(brine::detail::base64_decode_exact("Zg=A", out, 1, "x"),
                            brine::Errc::malformed, "expected padding '=' at column 4");
    BRINE_CHECK_THROWS_CODE(brine::detail::base64_decode_exact("Zm9vYg", out, 2, "x"),
                            brine::Errc::malformed, "6 base64 characters, expected 4 (2 bytes)");
}

TEST_CASE(
    "hostile .minisig files get brine errors: truncated, oversized, bad base64, wrong algorithm") {
    TempDir dir;
    const brine::KeyPair kp = brine::generate_key_pair();
    const std::string good = valid_signature(dir, kp);
    const std::string src = "m.brine.minisig";
    CHECK_NOTHROW(brine::MinisignSignature::parse(good, src));
    CHECK(brine::MinisignSignature::parse(good, src).to_text() == good);

    SECTION("every truncation") {
        for (std::size_t n = 0; n < good.size() - 1; ++n) {
            try {
                (void)brine::MinisignSignature::parse(good.substr(0, n), src);
                FAIL("a truncated signature parsed, length " << n);
            } catch (const brine::Error& e) {
                CHECK((e.code() == brine::Errc::truncated || e.code() == brine::Errc::malformed));
                CHECK_THAT(std::string(e.what()), BRINE_CONTAINS("signature '" + src + "'"));
            }
        }
        BRINE_CHECK_THROWS_CODE(brine::MinisignSignature::parse("", src), brine::Errc::truncated,
                                "signature 'm.brine.minisig' ends after 0 lines, a minisign "
                                "signature has 4");
    }
    SECTION("oversized") {
        BRINE_CHECK_THROWS_CODE(
            brine::MinisignSignature::parse(good + std::string(13000, 'x'), src),
            brine::Errc::limit_exceeded, "the limit is 12288");
        const std::size_t l3 = good.find("trusted comment: ", 10);
        std::string long_comment = good;
        long_comment.insert(l3 + 17, std::string(8200, 'a'));
        BRINE_CHECK_THROWS_CODE(brine::MinisignSignature::parse(long_comment, src),
                                brine::Errc::limit_exceeded, "line 3: trusted comment of");
        // The file-level cap is checked before the file is read at all.
        write_all(dir.file("m.brine.minisig"), good + std::string(13000, '\n'));
        BRINE_CHECK_THROWS_CODE(
            brine::load_signed<brine::LinearRegression>(dir.file("m.brine"), {kp.public_key}),
            brine::Errc::limit_exceeded, "the limit is 12288");
    }
    SECTION("bad base64 in each base64 line") {
        std::string bad = good;
        bad[good.find('\n') + 5] = '*';
        BRINE_CHECK_THROWS_CODE(brine::MinisignSignature::parse(bad, src), brine::Errc::malformed,
                                "line 2: bad base64 character '*' at column 5");
        bad = good;
        bad[good.rfind('\n', good.size() - 2) + 3] = '.';
        BRINE_CHECK_THROWS_CODE(brine::MinisignSignature::parse(bad, src), brine::Errc::malformed,
                                "line 4: bad base64 character '.' at column 3");
    }
    SECTION("wrong algorithm") {
        const std::size_t l2 = good.find('\n') + 1;
        const std::size_t l2_end = good.find('\n', l2);
        unsigned char raw[74];
        brine::detail::base64_decode_exact(std::string_view(good).substr(l2, l2_end - l2), raw, 74,
                                           "x");
        raw[0] = 'X';
        raw[1] = 'Y';
        const std::string bad =
            good.substr(0, l2) + brine::detail::base64_encode(raw, 74) + good.substr(l2_end);
        BRINE_CHECK_THROWS_CODE(brine::MinisignSignature::parse(bad, src),
                                brine::Errc::bad_algorithm, "algorithm 'XY', expected 'ED'");
    }
    SECTION("layout") {
        BRINE_CHECK_THROWS_CODE(
            brine::MinisignSignature::parse("comment: x\n" + good.substr(good.find('\n') + 1), src),
            brine::Errc::malformed, "line 1: expected \"untrusted comment: \"");
        BRINE_CHECK_THROWS_CODE(brine::MinisignSignature::parse(good + "extra\n", src),
                                brine::Errc::malformed, "unexpected text on line 5");
        std::string nul = good;
        nul.insert(good.find("trusted comment: ", 10) + 20, 1, '\0');
        BRINE_CHECK_THROWS_CODE(brine::MinisignSignature::parse(nul, src), brine::Errc::malformed,
                                "line 3: control byte 0");
        // CRLF line ends, as a Windows editor would leave them, are accepted.
        std::string crlf;
        for (char c : good) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        CHECK(brine::MinisignSignature::parse(crlf, src).to_text() == good);
    }
}

TEST_CASE("the trusted comment grammar") {
    const auto parse = [](std::string_view c) { return brine::ModelBinding::parse(c, "sig"); };
    const brine::ModelBinding b =
        parse("brine-v1 name=a.b_c-9 version=18446744073709551615 kind=pipeline extra=ok");
    CHECK(b.name == "a.b_c-9");
    CHECK(b.version == 18446744073709551615ull);
    CHECK(b.kind == "pipeline");
    BRINE_CHECK_THROWS_CODE(parse("timestamp:1\tfile:x"), brine::Errc::malformed,
                            "does not bind a brine model");
    BRINE_CHECK_THROWS_CODE(parse("brine-v1 name=a version=1"), brine::Errc::malformed,
                            "has no kind");
    BRINE_CHECK_THROWS_CODE(parse("brine-v1 name=a name=b version=1 kind=x"),
                            brine::Errc::malformed, "repeats 'name'");
    BRINE_CHECK_THROWS_CODE(parse("brine-v1 name=a version=18446744073709551616 kind=x"),
                            brine::Errc::malformed, "has version '18446744073709551616'");
    BRINE_CHECK_THROWS_CODE(parse("brine-v1 name=a version=01 kind=x"), brine::Errc::malformed,
                            "has version '01'");
    BRINE_CHECK_THROWS_CODE(parse("brine-v1 name=a  version=1 kind=x"), brine::Errc::malformed,
                            "not key=value at column 17");
    BRINE_CHECK_THROWS_CODE(parse("brine-v1 name=a/b version=1 kind=x"), brine::Errc::malformed,
                            "may only hold");
    BRINE_CHECK_THROWS_CODE(parse("brine-v1x name=a version=1 kind=x"), brine::Errc::malformed,
                            "does not bind");
}

TEST_CASE("secret key files: unencrypted and password-protected round trips, hostile files") {
    TempDir dir;
    const brine::KeyPair kp = brine::generate_key_pair();
    CHECK(kp.secret_key.public_key().key == kp.public_key.key);
    CHECK(kp.secret_key.id() == kp.public_key.id);
    CHECK(brine::PublicKey::parse(kp.public_key.to_file_text()).key == kp.public_key.key);
    CHECK(brine::PublicKey::parse(kp.public_key.to_base64()).id == kp.public_key.id);
    CHECK(kp.public_key.to_base64().substr(0, 2) ==
          "RW");  // "Ed" in base64, as minisign keys start

    const std::string plain = kp.secret_key.to_file_text();
    CHECK(brine::SecretKey::parse(plain).public_key().key == kp.public_key.key);

    brine::KeyProtection p;
    p.password = "pw";
    p.kdf_opslimit = crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_INTERACTIVE;
    p.kdf_memlimit = crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_INTERACTIVE;
    const std::string locked = kp.secret_key.to_file_text(p);
    CHECK(locked != plain);
    CHECK(brine::SecretKey::parse(locked, "pw").public_key().key == kp.public_key.key);
    BRINE_CHECK_THROWS_CODE(brine::SecretKey::parse(locked, "pW"), brine::Errc::invalid_argument,
                            "wrong password");
    BRINE_CHECK_THROWS_CODE(brine::SecretKey::parse(locked), brine::Errc::invalid_argument,
                            "a password is needed");

    // A file asking scrypt for more than minisign's own cost is refused before deriving anything.
    const std::size_t nl = locked.find('\n') + 1;
    unsigned char raw[158];
    brine::detail::base64_decode_exact(std::string_view(locked).substr(nl, locked.size() - nl - 1),
                                       raw, 158, "x");
    brine::detail::store_le64(raw + 46, std::uint64_t{1} << 40);
    BRINE_CHECK_THROWS_CODE(
        brine::SecretKey::parse(locked.substr(0, nl) + brine::detail::base64_encode(raw, 158),
                                "pw"),
        brine::Errc::limit_exceeded, "memlimit 1099511627776 is over the limit");

    // An unencrypted key whose public half was tampered with is refused.
    const std::size_t pnl = plain.find('\n') + 1;
    brine::detail::base64_decode_exact(std::string_view(plain).substr(pnl, plain.size() - pnl - 1),
                                       raw, 158, "x");
    raw[54 + 8 + 40] ^= 1;
    std::fill(raw + 54 + 72, raw + 158, 0);  // a zero checksum, as minisign 0.11 -W writes
    BRINE_CHECK_THROWS_CODE(
        brine::SecretKey::parse(plain.substr(0, pnl) + brine::detail::base64_encode(raw, 158)),
        brine::Errc::invalid_argument, "inconsistent Ed25519 key");

    // write_secret_key never silently replaces a key.
    brine::write_secret_key(kp.secret_key, dir.file("k"));
    BRINE_CHECK_THROWS_CODE(brine::write_secret_key(kp.secret_key, dir.file("k")), brine::Errc::io,
                            "exists; set KeyProtection::overwrite");
    BRINE_CHECK_THROWS_CODE(brine::PublicKey::parse("RWQ!"), brine::Errc::malformed,
                            "public key line 1");
}
