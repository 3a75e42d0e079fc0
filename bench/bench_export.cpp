// Writes each benchmark model as a brine binary and JSON file (W/models/<name>.brine, .json) and
// W/results/sizes.json: per model, the raw parameter bytes (8 per double, 4 per int32) and, per
// encoding, the file size, split for binary files into the container (prefix, header, checksum)
// and the payload, so bench/report.py can show what the format adds to the parameters.
// SPDX-License-Identifier: MIT
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <brine/brine.hpp>

#include "bench_data.hpp"

namespace {

std::size_t bytes(const brine::LinearRegression& m) {
    return static_cast<std::size_t>(m.coef.size() + m.intercept.size()) * 8;
}
std::size_t bytes(const brine::LogisticRegression& m) {
    return static_cast<std::size_t>(m.coef.size() + m.intercept.size() + m.classes.size()) * 8;
}
std::size_t bytes(const brine::DecisionTree& t) {
    return static_cast<std::size_t>(t.children_left.size() + t.children_right.size() +
                                    t.feature.size()) *
               4 +
           static_cast<std::size_t>(t.threshold.size() + t.value.size() + t.classes.size()) * 8;
}
std::size_t bytes(const brine::Pipeline& p) {
    const auto& s = std::get<brine::StandardScaler>(p.steps.at(0));
    return static_cast<std::size_t>(s.mean.size() + s.scale.size()) * 8 +
           bytes(std::get<brine::LogisticRegression>(p.estimator));
}

template <class Model>
void write(std::ofstream& out, const std::string& name, const Model& m, bool last) {
    const std::string dir = bench::work_dir() + "/models/";
    brine::SaveOptions o;
    o.created = "2026-01-01T00:00:00Z";
    o.format = brine::Format::binary;
    brine::save(m, dir + name + ".brine", o);
    o.format = brine::Format::json;
    brine::save(m, dir + name + ".json", o);

    const std::string bin = brine::to_bytes(m, brine::Format::binary, o);
    const auto sections = brine::detail::split_binary(bin);
    const auto json_size = std::filesystem::file_size(dir + name + ".json");
    out << "  \"" << name << "\": {\"raw_parameter_bytes\": " << bytes(m)
        << ", \"binary\": {\"file\": " << bin.size() << ", \"payload\": " << sections.payload.size()
        << ", \"container\": " << bin.size() - sections.payload.size()
        << "}, \"json\": {\"file\": " << json_size << "}}" << (last ? "\n" : ",\n");
}

}  // namespace

int main() {
    try {
        const std::string results = bench::work_dir() + "/results";
        std::filesystem::create_directories(results);
        std::ofstream out(results + "/sizes.json");
        out << "{\n";
        write(out, "linear", bench::linear(), false);
        write(out, "logistic", bench::logistic(), false);
        write(out, "pipeline", bench::pipeline(), false);
        write(out, "tree_d10", bench::tree_d10(), false);
        write(out, "tree_deep", bench::tree_deep(), true);
        out << "}\n";
        if (!out.flush()) throw std::runtime_error("cannot write " + results + "/sizes.json");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "brine_bench_export: %s\n", e.what());
        return 1;
    }
    return 0;
}
