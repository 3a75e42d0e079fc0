// brine::load_with_info and friends: the model and its file's information from one read, equal to
// what load and inspect give separately, with the checksum verified.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <string>

#include "brine_catch.hpp"
#include "io_fixtures.hpp"
#include "model_fixtures.hpp"
#include "temp_dir.hpp"

namespace load_with_info_test {

/// The fields inspect and load_with_info both report (inspect of a binary file does not verify
/// the checksum, so that flag is compared by the callers).
void check_same_info(const brine::FileInfo& a, const brine::FileInfo& b) {
    CHECK(a.format == b.format);
    CHECK(a.format_major == b.format_major);
    CHECK(a.format_minor == b.format_minor);
    CHECK(a.kind == b.kind);
    CHECK(a.schema_version == b.schema_version);
    CHECK(a.library_version == b.library_version);
    CHECK(a.created == b.created);
    CHECK(a.metadata.feature_names == b.metadata.feature_names);
    CHECK(a.metadata.target_name == b.metadata.target_name);
    CHECK(a.file_size == b.file_size);
}

TEST_CASE("load_with_info gives the model and the file's information together",
          "[io][load_with_info]") {
    TempDir dir;
    const brine::Pipeline model = fixtures::pipeline_classifier();
    brine::SaveOptions so = io_fixtures::fixed_time();
    so.metadata.feature_names = {"a", "b"};
    so.metadata.target_name = "label";
    for (const brine::Format f : {brine::Format::binary, brine::Format::json}) {
        INFO(brine::format_name(f));
        so.format = f;
        const std::string path = dir.file(std::string("m.") + brine::format_name(f));
        brine::save(model, path, so);
        const std::string bytes = read_all(path);
        const brine::FileInfo inspected = brine::inspect_bytes(bytes);

        const auto loaded = brine::load_with_info<brine::Pipeline>(path);
        CHECK(loaded.model == model);
        check_same_info(loaded.info, inspected);
        CHECK(loaded.info.metadata.feature_names == std::vector<std::string>{"a", "b"});
        CHECK(loaded.info.checksum == inspected.checksum);
        CHECK(loaded.info.checksum_verified);
        CHECK(loaded.info.file_size == bytes.size());

        const auto any = brine::load_any_with_info(path);
        CHECK(*any.model.get_if<brine::Pipeline>() == model);
        check_same_info(any.info, inspected);
        CHECK(any.info.checksum_verified);

        auto [m, info] = brine::from_bytes_with_info<brine::Pipeline>(bytes);
        CHECK(m == model);
        check_same_info(info, inspected);
        CHECK(info.checksum_verified);
        check_same_info(brine::from_bytes_any_with_info(bytes).info, inspected);
    }
}

TEST_CASE("load_with_info of a large binary file, decoded as it is read", "[io][load_with_info]") {
    TempDir dir;
    const std::string path = dir.file("big.brine");
    const brine::LinearRegression big = io_fixtures::big_linear(200000);  // over 1 MiB
    brine::save(big, path);
    const brine::FileInfo inspected = brine::inspect_bytes(read_all(path));
    const auto loaded = brine::load_with_info<brine::LinearRegression>(path);
    CHECK(loaded.model == big);
    check_same_info(loaded.info, inspected);
    CHECK(loaded.info.checksum == inspected.checksum);
    CHECK(loaded.info.checksum_verified);
    CHECK(brine::load_any_with_info(path).info.checksum == inspected.checksum);
}

TEST_CASE("load_with_info throws as load", "[io][load_with_info]") {
    TempDir dir;
    const std::string path = dir.file("m.brine");
    brine::save(fixtures::linear(), path);
    BRINE_CHECK_THROWS_CODE(
        brine::load_with_info<brine::DecisionTree>(path), brine::Errc::kind_mismatch,
        "'" + path + "': the file holds a linear_regression, not a decision_tree");
}

}  // namespace load_with_info_test
