// The brine command: inspect, verify, convert, predict, reseal, diff and import-xgboost from a
// shell (and keygen, sign when built with signing). SPDX-License-Identifier: MIT
#include <brine/version.hpp>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli.hpp"

namespace {

constexpr const char* usage_text =
    "usage: brine <command> [options] [arguments]\n"
    "\n"
    "Model files (binary or JSON, detected from their content):\n"
    "  inspect FILE...        header, versions, kind, shapes, metadata, reference rows, checks\n"
    "  verify FILE...         load every file with every check; 0 only when all pass\n"
    "  convert IN OUT         binary <-> JSON, keeping metadata and reference predictions\n"
    "  predict MODEL [CSV|-]  predictions for the rows of a CSV file, as CSV\n"
    "  reseal FILE.json       re-validate a hand-edited JSON file and write a new checksum\n"
    "  diff A B               header fields and parameters that differ, and by how much\n"
    "  import-xgboost IN OUT  an XGBoost model (JSON or UBJSON) into a brine file\n"
#if defined(BRINE_CLI_SIGNING)
    "  keygen                 a new minisign key pair for signing model files\n"
    "  sign FILE...           sign model files (FILE.minisig)\n"
#endif
    "\n"
    "`brine <command> --help` describes a command. `--json` gives machine-readable output\n"
    "(inspect, verify, diff). Errors go to stderr as 'brine: <class>: <detail>'.\n"
    "\n"
    "Exit status:\n"
    "  0  success           1  diff: the files differ\n"
    "  2  bad command line  3  I/O error (missing, unreadable or unwritable file)\n"
    "  4  not a brine file, or a version or kind this build does not read\n"
    "  5  damaged file: truncated, malformed, checksum mismatch, over a limit\n"
    "  6  invalid model: invariants or reference predictions do not hold\n"
    "  7  bad input: CSV errors, missing columns, values the model refuses\n"
    "  8  signature missing, bad, untrusted or binding something else\n"
    "  9  internal error\n";

}  // namespace

int main(int argc, char** argv) {
    using namespace brine::cli;
    if (argc < 2) {
        std::fputs(usage_text, stderr);
        return static_cast<int>(Exit::usage);
    }
    const std::string command = argv[1];
    const std::vector<std::string> args(argv + 2, argv + argc);
    if (command == "--help" || command == "-h" || command == "help") {
        std::fputs(usage_text, stdout);
        return 0;
    }
    if (command == "--version") {
        std::printf("brine %s (file format %d.%d)\n", brine::library_version_string,
                    brine::format_version_major, brine::format_version_minor);
        return 0;
    }
    if (command == "inspect") return cmd_inspect(args);
    if (command == "verify") return cmd_verify(args);
    if (command == "convert") return cmd_convert(args);
    if (command == "reseal") return cmd_reseal(args);
    if (command == "predict") return cmd_predict(args);
    if (command == "diff") return cmd_diff(args);
    if (command == "import-xgboost") return cmd_import_xgboost(args);
#if defined(BRINE_CLI_SIGNING)
    if (command == "keygen") return cmd_keygen(args);
    if (command == "sign") return cmd_sign(args);
#else
    if (command == "keygen" || command == "sign") {
        std::fprintf(stderr,
                     "brine %s: this brine was built without signing (libsodium was not found)\n",
                     command.c_str());
        return static_cast<int>(Exit::usage);
    }
#endif
    std::fprintf(stderr, "brine: unknown command '%s' (see brine --help)\n", command.c_str());
    return static_cast<int>(Exit::usage);
}
