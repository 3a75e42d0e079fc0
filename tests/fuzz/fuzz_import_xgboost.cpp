// Fuzz target: brine::read_xgboost_bytes (XGBoost JSON and UBJSON models), then predictions from
// whatever imported, and a save and load of it as a brine file.
// SPDX-License-Identifier: MIT
#include <brine/import/xgboost.hpp>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    brine::XGBoostOptions options;
    static_cast<brine::Limits&>(options) = brine_fuzz::load_options();
    options.use_best_iteration = size % 2 == 0;  // both ways of choosing the rounds
    brine::TreeEnsemble e;
    try {
        const brine_fuzz::WorkMeter meter(size);
        e = brine::import_xgboost_bytes(brine_fuzz::as_text(data, size), options);
    } catch (const brine::Error&) {
        return 0;  // the one way an import may fail
    } catch (...) {
        __builtin_trap();
    }
    try {
        // An imported ensemble is a valid brine model: it saves, loads back equal, and predicts.
        const brine::AnyModel m(e);
        if (brine::from_bytes<brine::TreeEnsemble>(brine::to_bytes(e)) != e) __builtin_trap();
        brine_fuzz::exercise(m);
    } catch (...) {
        __builtin_trap();
    }
    return 0;
}
