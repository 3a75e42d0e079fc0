// brine convert and brine reseal.
// SPDX-License-Identifier: MIT
#include <brine/io.hpp>
#include <brine/rewrite.hpp>

#include <sys/stat.h>

#include "cli.hpp"

namespace brine::cli {

namespace {

constexpr const char* convert_help =
    "usage: brine convert [--to binary|json] IN OUT\n"
    "\n"
    "Loads IN (binary or JSON) with every check, then writes the same model to OUT in the other\n"
    "encoding, atomically. The header is kept as it is: metadata, provenance, creation time, the\n"
    "brine version that wrote it and the reference predictions (rows, outputs, tolerance and\n"
    "the build that computed them); the format and schema versions become this build's. Both\n"
    "encodings of the same content share a checksum, so converting a file written by this\n"
    "version to the other encoding and back gives the same bytes.\n"
    "\n"
    "  --to FORMAT  binary or json; by default JSON for an OUT ending in .json, binary otherwise\n";

constexpr const char* reseal_help =
    "usage: brine reseal [--recompute-reference] [-o OUT] FILE.json\n"
    "\n"
    "Seals a JSON model file after a deliberate hand edit: checks everything a load checks -\n"
    "JSON syntax, container, versions, limits, the model's invariants and its stored reference\n"
    "predictions - except the stored checksum, then writes the document again with a new\n"
    "checksum (in place, atomically, or to OUT). The header is kept as edited.\n"
    "\n"
    "  --recompute-reference  compute the reference outputs again from the stored reference\n"
    "                         rows (after an edit that changes predictions); without it an edit\n"
    "                         that changes predictions is refused (reference mismatch)\n"
    "  -o, --output OUT       write to OUT instead of FILE\n"
    "\n"
    "A binary file is refused: convert it to JSON, edit, then reseal.\n";

std::uint64_t size_of(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

/// Files this large get a progress line (on a terminal).
constexpr std::uint64_t progress_from = std::uint64_t{8} << 20;

}  // namespace

int cmd_convert(const std::vector<std::string>& argv) {
    if (const int h = help_if_asked(argv, convert_help); h >= 0) return h;
    return run_guarded("convert", [&] {
        const Args args(argv, {}, {"--to"});
        if (args.positional().size() != 2) throw UsageError("needs IN and OUT");
        const std::string& in = args.positional()[0];
        const std::string& out = args.positional()[1];
        const Format to = output_format(args, out);
        Progress progress("brine convert", 0);
        if (size_of(in) >= progress_from) progress.step("loading and checking " + in);
        convert_file(in, out, to, LoadOptions{});
        progress.finish();
        return 0;
    });
}

int cmd_reseal(const std::vector<std::string>& argv) {
    if (const int h = help_if_asked(argv, reseal_help); h >= 0) return h;
    return run_guarded("reseal", [&] {
        const Args args(argv, {"--recompute-reference"}, {"-o", "--output"});
        if (args.positional().size() != 1) throw UsageError("needs one FILE");
        const std::string& in = args.positional()[0];
        std::string out = in;
        if (const auto o = args.option("--output")) out = *o;
        if (const auto o = args.option("-o")) out = *o;
        ResealOptions o;
        o.recompute_reference = args.flag("--recompute-reference");
        try {
            reseal_file(in, out, o);
        } catch (const Error& e) {
            if (e.code() != Errc::reference_mismatch || o.recompute_reference) throw;
            throw Error(e.code(), error_detail(e) +
                                      " (if the edit was meant to change predictions, reseal "
                                      "with --recompute-reference)");
        }
        std::printf("%s: resealed%s\n", out.c_str(),
                    o.recompute_reference ? " (reference outputs recomputed)" : "");
        return 0;
    });
}

}  // namespace brine::cli
