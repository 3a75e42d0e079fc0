// brine inspect and brine verify.
// SPDX-License-Identifier: MIT
#include <brine/io.hpp>
#include <brine/rewrite.hpp>

#include <optional>

#include "model_info.hpp"
#if defined(BRINE_CLI_SIGNING)
#include "signing_keys.hpp"
#endif

namespace brine::cli {

namespace {

constexpr const char* inspect_help =
    "usage: brine inspect [--json] [--header-only] FILE...\n"
    "\n"
    "Shows what each model file holds: encoding and format version, model kind and schema\n"
    "version, the brine version that wrote it, creation time, shapes (features, outputs,\n"
    "classes, nodes, pipeline steps), metadata and provenance, reference rows, and the result of\n"
    "a full load: checksum, invariants and reference predictions. A signature file\n"
    "(FILE.minisig) is reported but not verified (brine verify --key does).\n"
    "\n"
    "  --json         one JSON object per file, in an array, on stdout (reference rows included)\n"
    "  --header-only  read the header only: no full load, no checks, no shapes\n"
    "\n"
    "Exit status: 0 when every file loads; otherwise the status of the first failure (see\n"
    "brine --help). The header is shown even when the full load fails.\n";

constexpr const char* verify_help =
    "usage: brine verify [--json] [--key PUB]... [--name NAME] [--min-version N] FILE...\n"
    "\n"
    "Loads every file with every check brine makes: container, versions, checksum, limits, the\n"
    "model's invariants and its stored reference predictions. Prints 'FILE: ok' per good file;\n"
    "errors go to stderr.\n"
    "\n"
    "  --json            a JSON array of {file, ok, kind | error, code} on stdout\n"
    "  --key PUB         also require a minisign signature (FILE.minisig) by this public key:\n"
    "                    a .pub file or an 'RW...' key line; repeat to trust several keys\n"
    "  --name NAME       the model name the signature must bind (with --key)\n"
    "  --min-version N   the lowest model version the signature may bind (with --key)\n"
    "\n"
    "Exit status: 0 only when every file passes; otherwise the status of the first failure.\n";

struct Outcome {
    std::optional<Loaded<AnyModel>> loaded;
    std::optional<Error> error;
};

Outcome try_load(const std::string& path) {
    Outcome o;
    try {
        o.loaded = load_any_with_info(path);
    } catch (const Error& e) {
        o.error = e;
    }
    return o;
}

std::string checksum_status(const Outcome& o) {
    if (o.loaded) return "verified";
    if (o.error && o.error->code() == Errc::checksum_mismatch) return "mismatch";
    return "not verified";
}

}  // namespace

int cmd_inspect(const std::vector<std::string>& argv) {
    if (const int h = help_if_asked(argv, inspect_help); h >= 0) return h;
    return run_guarded("inspect", [&] {
        const Args args(argv, {"--json", "--header-only"}, {});
        if (args.positional().empty()) throw UsageError("no file given");
        const bool json = args.flag("--json"), header_only = args.flag("--header-only");
        int status = 0;
        JsonOut j;
        j.begin_array();
        for (const std::string& path : args.positional()) {
            FileInfo info;
            try {
                info = inspect(path);
            } catch (const Error& e) {
                const int s = report(e);
                if (status == 0) status = s;
                if (json) {
                    j.begin_object().key("file").value(path);
                    j.key("error").value(e.what()).key("code").value(errc_name(e.code()));
                    j.end_object();
                }
                continue;
            }
            Outcome o;
            if (!header_only) o = try_load(path);
            if (o.loaded) info = o.loaded->info;  // with the checksum, now verified
            const std::string sig = signature_file_of(path);
            if (json) {
                j.begin_object().key("file").value(path);
                file_info_json(info, j, true);
                if (o.loaded) {
                    j.key("shapes").begin_object();
                    model_shapes_json(o.loaded->model, j);
                    j.end_object();
                }
                if (!header_only) {
                    j.key("checksum").value(checksum_status(o));
                    j.key("status").value(o.loaded ? "ok" : "refused");
                    if (o.error) j.key("error").value(o.error->what());
                }
                j.key("signature_file");
                if (sig.empty())
                    j.null();
                else
                    j.value(sig);
                j.end_object();
            } else {
                std::string text = path + ":\n" + file_info_text(info);
                if (o.loaded) {
                    for (const auto& [k, v] : model_shapes(o.loaded->model))
                        text += "  " + k + ": " + v + "\n";
                } else if (!header_only) {
                    text += "  checksum: " + checksum_status(o) + "\n";
                }
                text += "  signature: " +
                        (sig.empty() ? std::string("none")
                                     : sig + " (not verified here: brine verify --key)") +
                        "\n";
                if (!header_only)
                    text += std::string("  status: ") + (o.loaded ? "ok" : "refused") + "\n";
                std::fputs(text.c_str(), stdout);
            }
            if (o.error) {
                const int s = report(*o.error);
                if (status == 0) status = s;
            }
        }
        j.end_array();
        if (json) std::printf("%s\n", j.str().c_str());
        return status;
    });
}

int cmd_verify(const std::vector<std::string>& argv) {
    if (const int h = help_if_asked(argv, verify_help); h >= 0) return h;
    return run_guarded("verify", [&] {
        const Args args(argv, {"--json"}, {"--key", "--name", "--min-version"});
        if (args.positional().empty()) throw UsageError("no file given");
        const bool json = args.flag("--json");
        const std::vector<std::string> keys = args.options("--key");
        if (keys.empty() && (args.option("--name") || args.option("--min-version")))
            throw UsageError("--name and --min-version need --key");
#if defined(BRINE_CLI_SIGNING)
        std::optional<SignedLoader> signed_loader;
        if (!keys.empty())
            signed_loader.emplace(keys, args.option("--name"), args.option("--min-version"));
#else
        if (!keys.empty())
            throw UsageError("--key: this brine was built without signing (libsodium not found)");
#endif
        int status = 0;
        JsonOut j;
        j.begin_array();
        for (const std::string& path : args.positional()) {
            j.begin_object().key("file").value(path);
            try {
                ModelKind kind;
                std::string detail;
#if defined(BRINE_CLI_SIGNING)
                if (signed_loader) {
                    kind = signed_loader->load(path, detail);
                } else
#endif
                {
                    const Loaded<AnyModel> f = load_any_with_info(path);
                    kind = f.model.kind();
                    detail = format_name(f.info.format);
                }
                j.key("ok").value(true).key("kind").value(std::string(kind_name(kind)));
                if (!json)
                    std::printf("%s: ok (%s, %s)\n", path.c_str(),
                                std::string(kind_name(kind)).c_str(), detail.c_str());
            } catch (const Error& e) {
                const int s = report(e);
                if (status == 0) status = s;
                j.key("ok").value(false).key("error").value(e.what());
                j.key("code").value(errc_name(e.code()));
            }
            j.end_object();
        }
        j.end_array();
        if (json) std::printf("%s\n", j.str().c_str());
        std::fflush(stdout);
        return status;
    });
}

}  // namespace brine::cli
