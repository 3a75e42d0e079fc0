// The worst file of each product class a load computes (reference rows x a model's cost per row),
// written at about 1, 4 and 16 MiB, for scripts/load_cost.sh, which loads each one in a process of
// its own (bench/load_cost_load.cpp, built against two versions of brine) and measures its time
// and peak RSS.
//
// Usage: load_cost DIR [MiB ...]   (default sizes 1 4 16)
// Writes DIR/<class>-<variant>-<MiB>.brine and prints one tab-separated line per file:
//   class  variant  MiB  n  rows  bytes  path
// Variants: "over" has as many reference rows as the model's length parameter n (the product a
// hostile writer builds; its stored outputs are a constant, so a load that computes them ends in
// reference_mismatch and one that bounds the work first refuses with limit_exceeded), "fit" has
// the most rows the default budget accepts (the most work a default load does), with the outputs
// the model gives.
// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "worst_files.hpp"

namespace {

struct Class {
    const char* id;    // file name part
    const char* name;  // table label
    /// The file of size parameter n; fit: the most rows the default budget accepts (capped at
    /// `over_rows(n)`), else over_rows(n) rows with unchecked outputs. Sets `rows`.
    std::function<std::string(Eigen::Index n, bool fit, Eigen::Index& rows)> file;
    bool has_fit;
};

template <class Model>
std::string make(const Model& m, Eigen::Index over_rows, bool fit, Eigen::Index& rows) {
    if (!fit) {
        rows = over_rows;
        return worst::with_unchecked_rows(m, rows);
    }
    rows = std::min(over_rows, worst::most_rows(m, brine::LoadOptions{}));
    return worst::with_reference(m, worst::reference_for(m, rows));
}

std::vector<Class> classes() {
    using I = Eigen::Index;
    return {
        {"tree-chain", "tree: rows x depth (chain of depth n)",
         [](I n, bool fit, I& rows) {
             return make(worst::chain_tree(static_cast<std::int32_t>(n)), n, fit, rows);
         },
         true},
        // As many steps as Limits::max_transform_steps allows (4096): the file grows with the
        // width; "over" has as many rows as steps.
        {"pipeline-scalers", "pipeline: rows x steps x width (4096 scalers of width n)",
         [](I n, bool fit, I& rows) {
             return make(worst::long_pipeline(4096, n), 4096, fit, rows);
         },
         true},
        {"logistic", "logistic: rows x classes x features (n, n, n)",
         [](I n, bool fit, I& rows) { return make(worst::wide_logistic(n, n), n, fit, rows); },
         true},
        {"logistic-nx0", "logistic: n rows, n x 0 outputs, 1024 classes",
         [](I n, bool, I& rows) {
             rows = n;
             return worst::logistic_outputs_n_by_0(n).bytes;
         },
         false},
        {"forest-stumps", "tree ensemble: rows x trees (n stumps)",
         [](I n, bool fit, I& rows) { return make(worst::chain_forest(n, 1), n, fit, rows); },
         true},
        {"forest-chain", "tree ensemble: rows x depth (1 chain of depth n)",
         [](I n, bool fit, I& rows) {
             return make(worst::chain_forest(1, static_cast<std::int32_t>(n)), n, fit, rows);
         },
         true},
        {"one-hot", "one-hot (n categories) -> linear: rows x width",
         [](I n, bool fit, I& rows) { return make(worst::one_hot_pipeline(n), n, fit, rows); },
         true},
        {"imputer", "imputer (64 features + 64 indicators) -> linear: rows",
         [](I n, bool fit, I& rows) { return make(worst::imputer_pipeline(64), n, fit, rows); },
         false},
        {"column-transformer", "column transformer (n column refs) -> linear: rows x columns",
         [](I n, bool fit, I& rows) { return make(worst::column_pipeline(n), n, fit, rows); },
         true},
    };
}

/// The size parameter whose "over" file is about `target` bytes (files grow about linearly in n,
/// but for the logistic class, whose file grows as n^2).
Eigen::Index size_parameter(const Class& c, double target) {
    const bool square = std::string(c.id) == "logistic";
    Eigen::Index n = 64, rows = 0;
    for (int step = 0; step < 3; ++step) {
        const double bytes = static_cast<double>(c.file(n, false, rows).size());
        const double scale = square ? std::sqrt(target / bytes) : target / bytes;
        n = std::max<Eigen::Index>(1, static_cast<Eigen::Index>(static_cast<double>(n) * scale));
    }
    return n;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: load_cost DIR [MiB ...]\n");
        return 2;
    }
    const std::string dir = argv[1];
    std::vector<long> mib;
    for (int i = 2; i < argc; ++i) mib.push_back(std::atol(argv[i]));
    if (mib.empty()) mib = {1, 4, 16};
    for (const Class& c : classes()) {
        for (const long m : mib) {
            const Eigen::Index n = size_parameter(c, static_cast<double>(m) * 1048576.0);
            for (const bool fit : {false, true}) {
                if (fit && !c.has_fit) continue;
                Eigen::Index rows = 0;
                const std::string bytes = c.file(n, fit, rows);
                const std::string path = dir + "/" + c.id + "-" + (fit ? "fit" : "over") + "-" +
                                         std::to_string(m) + ".brine";
                std::ofstream(path, std::ios::binary)
                    .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
                std::printf("%s\t%s\t%ld\t%lld\t%lld\t%zu\t%s\n", c.name, fit ? "fit" : "over", m,
                            static_cast<long long>(n), static_cast<long long>(rows), bytes.size(),
                            path.c_str());
            }
        }
    }
    return 0;
}
