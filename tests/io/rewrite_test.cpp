// brine/rewrite.hpp: load_with_info, convert_bytes / convert_file and reseal_bytes / reseal_file,
// against the format-1.0 golden files (written by an older brine).
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>
#include <brine/io/json_container.hpp>
#include <brine/rewrite.hpp>

#include <string>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"
#include "temp_dir.hpp"
#include "test_data.hpp"

namespace rewrite_test {

const std::string golden = test_data::dir() + "/golden/format-1.0/";

/// `text` with the first `from` replaced by `to` (which must be there).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

TEST_CASE("convert_bytes turns each golden file into the other golden file, byte for byte") {
    for (const char* name :
         {"linear_regression", "linear_regression_multi", "logistic_regression_binary",
          "logistic_regression_multinomial", "decision_tree_classifier", "decision_tree_regressor",
          "standard_scaler", "min_max_scaler", "pipeline_classifier", "pipeline_tree",
          "tree_ensemble_forest_packed", "tree_ensemble_wide_packed"}) {
        INFO(name);
        const std::string bin = read_all(golden + name + ".brine");
        const std::string json = read_all(golden + name + ".json");
        CHECK(brine::convert_bytes(bin, brine::Format::json) == json);
        CHECK(brine::convert_bytes(json, brine::Format::binary) == bin);
        CHECK(brine::convert_bytes(bin, brine::Format::binary) == bin);
    }
}

TEST_CASE("convert_file writes atomically and refuses what a load refuses") {
    TempDir dir;
    brine::convert_file(golden + "pipeline_tree.json", dir.file("m.brine"), brine::Format::binary);
    CHECK(read_all(dir.file("m.brine")) == read_all(golden + "pipeline_tree.brine"));

    std::string damaged = read_all(golden + "pipeline_tree.brine");
    damaged[damaged.size() - 20] ^= 1;
    write_all(dir.file("damaged.brine"), damaged);
    BRINE_CHECK_THROWS_CODE(
        brine::convert_file(dir.file("damaged.brine"), dir.file("out.json"), brine::Format::json),
        brine::Errc::checksum_mismatch, "damaged.brine");
    CHECK(dir.entries() == 2);  // no output, no stray temporary
    BRINE_CHECK_THROWS_CODE(
        brine::convert_file(dir.file("none.brine"), dir.file("out.json"), brine::Format::json),
        brine::Errc::io, "none.brine");
}

TEST_CASE("load_any_with_info returns the model and the header inspect reads, checksum verified") {
    for (const char* ext : {".brine", ".json"}) {
        const std::string path = golden + "logistic_regression_binary" + ext;
        INFO(path);
        const brine::Loaded<brine::AnyModel> f = brine::load_any_with_info(path);
        const brine::FileInfo header = brine::inspect(path);
        CHECK(f.model.kind() == brine::ModelKind::logistic_regression);
        CHECK(f.info.kind == header.kind);
        CHECK(f.info.created == "2026-11-26T00:00:00Z");
        CHECK(f.info.metadata == header.metadata);
        CHECK(f.info.reference == header.reference);
        CHECK(f.info.checksum_verified);
        CHECK(f.info.file_size == read_all(path).size());
    }
    const std::string bin = read_all(golden + "linear_regression.brine");
    // The checksum is the last 8 bytes, little-endian.
    std::uint64_t stored = 0;
    for (int i = 7; i >= 0; --i)
        stored = stored << 8 | static_cast<unsigned char>(bin[bin.size() - 8 + std::size_t(i)]);
    CHECK(brine::from_bytes_any_with_info(bin).info.checksum == stored);
}

TEST_CASE("reseal_bytes of an unedited document gives the same document") {
    const std::string json = read_all(golden + "pipeline_classifier.json");
    CHECK(brine::reseal_bytes(json) == json);
}

TEST_CASE("reseal_bytes seals a metadata edit with a new checksum, keeping the rest") {
    const std::string json = read_all(golden + "logistic_regression_binary.json");
    const std::string edited =
        replaced(json, "\"target_name\": \"y\"", "\"target_name\": \"churn\"");
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(edited), brine::Errc::checksum_mismatch,
                            "the document was changed or damaged");
    const std::string sealed = brine::reseal_bytes(edited);
    const brine::Loaded<brine::AnyModel> f = brine::from_bytes_any_with_info(sealed);
    const brine::Loaded<brine::AnyModel> original = brine::from_bytes_any_with_info(json);
    CHECK(f.info.metadata.target_name == "churn");
    CHECK(f.info.reference == original.info.reference);
    CHECK(f.info.created == original.info.created);
    CHECK(std::get<brine::LogisticRegression>(f.model.variant()) ==
          std::get<brine::LogisticRegression>(original.model.variant()));
    // Only the edit and the checksum changed.
    CHECK(sealed.size() == edited.size());
    const std::string undone =
        replaced(sealed, "\"target_name\": \"churn\"", "\"target_name\": \"y\"");
    CHECK(undone.substr(0, undone.find("\"checksum\"")) ==
          json.substr(0, json.find("\"checksum\"")));
}

TEST_CASE("reseal_bytes refuses an edit that changes predictions unless asked to recompute") {
    const std::string json = read_all(golden + "logistic_regression_binary.json");
    const std::string edited = replaced(json, "\"data\": [1.5, -0.75]", "\"data\": [1.5, -0.5]");
    BRINE_CHECK_THROWS_CODE(brine::reseal_bytes(edited), brine::Errc::reference_mismatch,
                            "row 0 output 0");
    brine::ResealOptions o;
    o.recompute_reference = true;
    const brine::Loaded<brine::AnyModel> f =
        brine::from_bytes_any_with_info(brine::reseal_bytes(edited, o));
    const auto& m = std::get<brine::LogisticRegression>(f.model.variant());
    CHECK(m.coef(0, 1) == -0.5);
    // The stored outputs are now p(class 1) = 1 / (1 + exp(-(1.5 x0 - 0.5 x1 + 0.125))).
    const brine::RowMatrix& X = f.info.reference.inputs;
    REQUIRE(X.rows() == 4);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        const double p1 = 1 / (1 + std::exp(-(1.5 * X(i, 0) - 0.5 * X(i, 1) + 0.125)));
        CHECK_THAT(f.info.reference.outputs(i, 1), WithinRel(p1, 1e-14));
        CHECK_THAT(f.info.reference.outputs(i, 0), WithinRel(1 - p1, 1e-14));
    }
}

TEST_CASE("reseal_bytes refuses what a load refuses for any other reason") {
    const std::string json = read_all(golden + "logistic_regression_binary.json");
    BRINE_CHECK_THROWS_CODE(
        brine::reseal_bytes(replaced(json, "\"data\": [1.5, -0.75]", "\"data\": [1.5, \"NaN\"]")),
        brine::Errc::invalid_model, "coef");
    BRINE_CHECK_THROWS_CODE(
        brine::reseal_bytes(replaced(json, "\"schema_version\": 1,", "\"schema_version\": 7,")),
        brine::Errc::unsupported_version, "schema version 7");
    BRINE_CHECK_THROWS_CODE(brine::reseal_bytes(json.substr(0, 300)), brine::Errc::truncated, "");
    BRINE_CHECK_THROWS_CODE(brine::reseal_bytes(replaced(json, "\"coef\"", "\"coeff\"")),
                            brine::Errc::malformed, "coef");
    BRINE_CHECK_THROWS_CODE(brine::reseal_bytes(read_all(golden + "standard_scaler.brine")),
                            brine::Errc::invalid_argument, "reseal rewrites JSON documents");
    brine::ResealOptions small;
    small.load.max_json_bytes = 100;
    BRINE_CHECK_THROWS_CODE(brine::reseal_bytes(json, small), brine::Errc::limit_exceeded,
                            "max_json_bytes");
}

TEST_CASE("reseal_file writes in place or to another path, atomically") {
    TempDir dir;
    const std::string json = read_all(golden + "standard_scaler.json");
    write_all(dir.file("m.json"), replaced(json, "\"golden\"", "\"origin\""));
    brine::reseal_file(dir.file("m.json"), dir.file("sealed.json"));
    CHECK(brine::inspect(dir.file("sealed.json")).metadata.extra.count("origin") == 1);
    brine::reseal_file(dir.file("m.json"), dir.file("m.json"));
    CHECK(read_all(dir.file("m.json")) == read_all(dir.file("sealed.json")));
    BRINE_CHECK_THROWS_CODE(brine::reseal_file(dir.file("none.json"), dir.file("x.json")),
                            brine::Errc::io, "none.json");
}

}  // namespace rewrite_test

namespace rewrite_test {

TEST_CASE("tree_ensemble schema 1 JSON documents verify, nested too, and convert to schema 2") {
    // A pipeline whose ensemble says schema 1: its checksum covers the ensemble's schema-1 binary
    // encoding, and verifies; the same document with the checksum of the schema-2 encoding does
    // not, so the version each ensemble was written with is what is re-encoded.
    const brine::Pipeline p({fixtures::standard_scaler()}, fixtures::ensemble_forest());
    brine::SaveOptions so;
    so.created = "2026-01-02T03:04:05Z";
    const std::string now = brine::to_bytes(p, brine::Format::json, so);
    const std::string v1 = replaced(now, "\"schema_version\": 2", "\"schema_version\": 1");
    CHECK(v1.find("\"schema_version\": 2") == std::string::npos);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes<brine::Pipeline>(v1), brine::Errc::checksum_mismatch,
                            "from the decoded header and payload");
    const std::string sealed_v1 = [&] {
        brine::detail::JsonDocument doc(v1, brine::LoadOptions{});
        const auto m = doc.payload_unverified<brine::Pipeline>();
        brine::detail::EnsembleSchemas one;
        one.versions = {1};
        const std::string sum =
            brine::detail::hex64(brine::detail::binary_body_checksum(m, doc.header(), 1, 0, &one));
        const std::size_t at = v1.find("xxh64:") + 6;
        return v1.substr(0, at) + sum + v1.substr(at + 16);
    }();
    CHECK(brine::from_bytes<brine::Pipeline>(sealed_v1) == p);
    // Converted or resealed, it becomes schema 2: the bytes of this build's file.
    CHECK(brine::convert_bytes(sealed_v1, brine::Format::json) == now);
    CHECK(brine::reseal_bytes(sealed_v1) == now);
    CHECK(brine::convert_bytes(sealed_v1, brine::Format::binary) ==
          brine::to_bytes(p, brine::Format::binary, so));
    // The golden schema-1 files: their JSON verifies and both convert to one schema-2 file.
    const std::string json = read_all(golden + "tree_ensemble_forest.json");
    const std::string bin = read_all(golden + "tree_ensemble_forest.brine");
    const std::string as_json = brine::convert_bytes(bin, brine::Format::json);
    CHECK(brine::inspect_bytes(as_json).schema_version == 2);
    CHECK(brine::convert_bytes(json, brine::Format::json) == as_json);
    CHECK(brine::inspect_bytes(brine::convert_bytes(json, brine::Format::binary)).checksum ==
          brine::inspect_bytes(as_json).checksum);
}

}  // namespace rewrite_test
