// brine import-xgboost: an XGBoost model file (JSON or UBJSON) into a brine file.
// SPDX-License-Identifier: MIT
#include <brine/import/xgboost.hpp>
#include <brine/io.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "cli.hpp"

namespace brine::cli {

namespace {

constexpr const char* import_xgboost_help =
    "usage: brine import-xgboost [--all-trees] [--to binary|json] IN OUT\n"
    "\n"
    "Reads an XGBoost model file (JSON or UBJSON, as XGBoost's save_model writes them; gbtree\n"
    "booster) into a brine tree ensemble that predicts what XGBoost predicts, and saves it to OUT\n"
    "(atomically). Objectives: reg:squarederror, reg:squaredlogerror, reg:pseudohubererror,\n"
    "reg:absoluteerror, reg:logistic, binary:logistic, multi:softprob, multi:softmax; anything\n"
    "else (other objectives, dart or gblinear boosters, categorical splits) is refused with a\n"
    "message naming it, and nothing is written.\n"
    "The file's feature names become the model's; the objective, XGBoost's version and the\n"
    "rounds used go into the metadata (extra).\n"
    "\n"
    "  --all-trees  use every tree in the file; by default a model with best_iteration uses the\n"
    "               trees up to it, as XGBClassifier.predict does\n"
    "  --to FORMAT  binary or json; by default JSON for an OUT ending in .json, binary otherwise\n";

}  // namespace

int cmd_import_xgboost(const std::vector<std::string>& argv) {
    if (const int h = help_if_asked(argv, import_xgboost_help); h >= 0) return h;
    return run_guarded("import-xgboost", [&] {
        const Args args(argv, {"--all-trees"}, {"--to"});
        if (args.positional().size() != 2) throw UsageError("needs IN and OUT");
        const std::string& in = args.positional()[0];
        const std::string& out = args.positional()[1];
        const Format to = output_format(args, out);
        XGBoostOptions options;
        options.use_best_iteration = !args.flag("--all-trees");
        XGBoostModel m = read_xgboost(in, options);
        SaveOptions save_options;
        save_options.format = to;
        save_options.metadata.feature_names = m.feature_names;
        auto& extra = save_options.metadata.extra;
        extra["source"] = "xgboost " + m.xgboost_version;
        extra["xgboost.objective"] = m.objective;
        extra["xgboost.rounds_used"] = std::to_string(m.rounds_used);
        extra["xgboost.rounds_in_file"] = std::to_string(m.rounds_in_file);
        if (m.best_iteration) extra["xgboost.best_iteration"] = std::to_string(*m.best_iteration);
        save(m.ensemble, out, save_options);
        std::printf("%s: tree_ensemble of %lld trees (%lld of %lld rounds), objective %s\n",
                    out.c_str(), static_cast<long long>(m.ensemble.n_trees()),
                    static_cast<long long>(m.rounds_used), static_cast<long long>(m.rounds_in_file),
                    m.objective.c_str());
        return 0;
    });
}

}  // namespace brine::cli
