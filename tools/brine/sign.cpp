// brine keygen, brine sign, and the signed loads of brine verify --key (with libsodium only).
// SPDX-License-Identifier: MIT
#include <brine/signing.hpp>

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "cli.hpp"
#include "signing_keys.hpp"

namespace brine::cli {

namespace {

constexpr const char* keygen_help =
    "usage: brine keygen [--public PUB] [--secret KEY] [--password-file FILE] [--force]\n"
    "\n"
    "Writes a new minisign key pair: the public key (default brine.pub) and the secret key\n"
    "(default brine.key, owner-only permissions). With --password-file the secret key is\n"
    "encrypted with the password read from FILE (its first line), as `minisign -G` does;\n"
    "without it the key is stored unencrypted, as `minisign -G -W` does (for a secret store\n"
    "that protects it). An existing secret key file is kept unless --force is given.\n";

constexpr const char* sign_help =
    "usage: brine sign --secret KEY --name NAME [--version N] [--password-file FILE] FILE...\n"
    "\n"
    "Signs model files: writes FILE.minisig (minisign, prehashed Ed25519) binding the model's\n"
    "name, version and kind, which brine verify --key --name --min-version and\n"
    "brine::load_signed check. Each FILE must be a brine file (its header is checked).\n"
    "\n"
    "  --secret KEY          the secret key file (brine keygen, or minisign -G)\n"
    "  --name NAME           the model name the signature binds (A-Z a-z 0-9 . _ -)\n"
    "  --version N           the model version it binds (default 0)\n"
    "  --password-file FILE  the secret key's password, first line of FILE\n";

std::string read_text(const std::string& path, std::size_t max, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(Errc::io, std::string("cannot open ") + what + " '" + path + "'");
    std::string s(max + 1, '\0');
    in.read(s.data(), static_cast<std::streamsize>(s.size()));
    s.resize(static_cast<std::size_t>(in.gcount()));
    if (s.size() > max) {
        throw Error(Errc::limit_exceeded, std::string(what) + " '" + path + "' is over " +
                                              std::to_string(max) + " bytes");
    }
    return s;
}

std::string password_from(const std::optional<std::string>& file) {
    if (!file) return {};
    std::string s = read_text(*file, 4096, "password file");
    s = s.substr(0, s.find('\n'));
    if (!s.empty() && s.back() == '\r') s.pop_back();
    if (s.empty()) throw Error(Errc::invalid_argument, "password file '" + *file + "' is empty");
    return s;
}

std::uint64_t parse_u64(const std::string& s, const char* option) {
    std::uint64_t v = 0;
    if (s.empty() || s.size() > 19) throw UsageError(std::string(option) + " needs a number");
    for (char c : s) {
        if (c < '0' || c > '9') throw UsageError(std::string(option) + " needs a number");
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

}  // namespace

int cmd_keygen(const std::vector<std::string>& argv) {
    if (const int h = help_if_asked(argv, keygen_help); h >= 0) return h;
    return run_guarded("keygen", [&] {
        const Args args(argv, {"--force"}, {"--public", "--secret", "--password-file"});
        if (!args.positional().empty()) throw UsageError("keygen takes no file arguments");
        const std::string pub = args.option("--public").value_or("brine.pub");
        const std::string sec = args.option("--secret").value_or("brine.key");
        KeyProtection p;
        p.password = password_from(args.option("--password-file"));
        p.overwrite = args.flag("--force");
        const KeyPair pair = generate_key_pair();
        write_secret_key(pair.secret_key, sec, p);
        write_public_key(pair.public_key, pub);
        std::printf("key id %s: public key %s, secret key %s%s\n", pair.public_key.id.hex().c_str(),
                    pub.c_str(), sec.c_str(), p.password.empty() ? " (unencrypted)" : "");
        return 0;
    });
}

int cmd_sign(const std::vector<std::string>& argv) {
    if (const int h = help_if_asked(argv, sign_help); h >= 0) return h;
    return run_guarded("sign", [&] {
        const Args args(argv, {}, {"--secret", "--name", "--version", "--password-file"});
        if (args.positional().empty()) throw UsageError("no file given");
        const auto secret = args.option("--secret");
        const auto name = args.option("--name");
        if (!secret) throw UsageError("--secret is required");
        if (!name) throw UsageError("--name is required");
        const SecretKey key =
            SecretKey::read(*secret, password_from(args.option("--password-file")));
        SignOptions o(*name, parse_u64(args.option("--version").value_or("0"), "--version"));
        int status = 0;
        for (const std::string& path : args.positional()) {
            try {
                sign_file(path, key, o);
                std::printf("%s: signed (%s.minisig, key id %s)\n", path.c_str(), path.c_str(),
                            key.id().hex().c_str());
            } catch (const Error& e) {
                const int s = report(e);
                if (status == 0) status = s;
            }
        }
        return status;
    });
}

struct SignedLoader::State {
    TrustedKeys keys;
    SignaturePolicy policy;
};

SignedLoader::SignedLoader(const std::vector<std::string>& keys,
                           const std::optional<std::string>& name,
                           const std::optional<std::string>& min_version)
    : state_(std::make_unique<State>()) {
    for (const std::string& k : keys) {
        struct stat st {};
        if (::stat(k.c_str(), &st) != 0 && k.rfind("RW", 0) == 0) {
            state_->keys.add(PublicKey::parse(k, "--key"));  // a key line, not a file
        } else {
            state_->keys.add(PublicKey::parse(read_text(k, 4096, "public key file"), k));
        }
    }
    if (name) state_->policy.name = *name;
    if (min_version) state_->policy.min_version = parse_u64(*min_version, "--min-version");
}

SignedLoader::~SignedLoader() = default;

ModelKind SignedLoader::load(const std::string& path, std::string& detail) {
    const AnyModel m = load_any_signed(path, state_->keys, state_->policy);
    const SignatureInfo s = verify_file(path, state_->keys);
    detail = "signed by key " + s.key_id.hex();
    if (s.binding)
        detail += ", " + s.binding->name + " version " + std::to_string(s.binding->version);
    return m.kind();
}

}  // namespace brine::cli
