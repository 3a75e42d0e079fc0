// ColumnTransformer files: round trips in both encodings (alone and inside a pipeline, with
// reference predictions), every invariant refused on save and on load, the nesting and step limits
// (refused before a deeper level is read, so a hostile file cannot exhaust the stack), and the
// load-cost model's terms.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <string>

#include "brine_catch.hpp"
#include "io_fixtures.hpp"
#include "model_fixtures.hpp"

namespace column_transformer_io_test {

using A = brine::ColumnBranch::Action;
using brine::Errc;
using fixtures::columns;

std::string le64(std::uint64_t v) {
    std::string s;
    for (int i = 0; i < 8; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
}

/// A binary file whose payload is `payload`, in the container of a valid file of the same kind
/// (length and checksum fixed): what save() would refuse to write.
template <class M>
std::string binary_with_payload(const M& valid, const std::string& payload) {
    const std::string good =
        brine::to_bytes(valid, brine::Format::binary, io_fixtures::fixed_time());
    const auto s = brine::detail::split_binary(good);
    std::string out = good.substr(0, s.payload_offset - 8) + le64(payload.size()) + payload +
                      std::string(8, '\0');
    io_fixtures::resign(out);
    return out;
}

template <class M>
std::string payload_of(const M& m) {
    std::string payload;
    brine::BinaryOutputArchive ar(payload);
    ar(m);
    return payload;
}

template <class M>
std::string json_file_of(const M& m) {
    return brine::detail::encode_json(m, brine::detail::make_header(m, io_fixtures::fixed_time()));
}

/// `bad` is refused by save, and by load in both encodings, with Errc::invalid_model and `message`.
template <class M>
void refused_everywhere(const M& valid, const M& bad, const std::string& message) {
    BRINE_CHECK_THROWS_CODE(brine::to_bytes(bad), Errc::invalid_model, message);
    BRINE_CHECK_THROWS_CODE(brine::to_bytes(bad, brine::Format::json), Errc::invalid_model,
                            message);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes<M>(binary_with_payload(valid, payload_of(bad))),
                            Errc::invalid_model, message);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(json_file_of(bad)), Errc::invalid_model, message);
}

/// n ColumnTransformers, each the only step of the one branch of the next, around a passthrough.
brine::ColumnTransformer nested(int n) {
    brine::ColumnTransformer ct;
    ct.n_features_in = 1;
    ct.remainder = {"remainder", columns({0}), A::passthrough, {}};
    for (int d = 1; d < n; ++d) {
        brine::ColumnTransformer outer;
        outer.n_features_in = 1;
        outer.branches.push_back({"in", columns({0}), A::steps, {ct}});
        ct = std::move(outer);
    }
    return ct;
}

TEST_CASE("ColumnTransformer and a pipeline holding one round-trip in both encodings",
          "[io][column_transformer]") {
    const brine::ColumnTransformer ct = fixtures::column_transformer();
    const brine::Pipeline p = fixtures::pipeline_column_transformer();
    brine::SaveOptions so = io_fixtures::fixed_time();
    so.reference_inputs = fixtures::rows(5);
    for (brine::Format f : {brine::Format::binary, brine::Format::json}) {
        INFO(brine::format_name(f));
        const std::string a = brine::to_bytes(ct, f, so);
        CHECK(brine::from_bytes<brine::ColumnTransformer>(a) == ct);  // checks the references
        CHECK(brine::inspect_bytes(a).kind == brine::ModelKind::column_transformer);
        const std::string b = brine::to_bytes(p, f, so);
        const brine::AnyModel back = brine::from_bytes_any(b);
        REQUIRE(back.holds<brine::Pipeline>());
        CHECK(*back.get_if<brine::Pipeline>() == p);
        CHECK(brine::inspect_bytes(b).schema_version == 1);  // the pipeline payload is unchanged
    }
}

TEST_CASE("ColumnTransformer: every invariant is refused on save and on load",
          "[io][column_transformer]") {
    const brine::ColumnTransformer valid = fixtures::column_transformer();
    brine::ColumnTransformer ct = valid;
    ct.branches[1].columns(0) = 7;
    refused_everywhere(valid, ct, "branch 1 'copy' column 7 is out of range for 5 input features");
    ct = valid;
    ct.branches[2].name = "scaled";
    refused_everywhere(valid, ct, "two branches are named 'scaled'");
    ct = valid;
    ct.remainder.name = "other";
    refused_everywhere(valid, ct, "the remainder is named 'other', expected 'remainder'");
    ct = valid;
    ct.remainder.columns = columns({3});
    refused_everywhere(valid, ct, "remainder column 3 is taken by a branch");
    ct = valid;
    ct.n_features_in = 8;
    refused_everywhere(valid, ct, "8 input features but the branches and the remainder list 7");
    ct = valid;
    ct.branches[3].steps.push_back(fixtures::standard_scaler());
    refused_everywhere(valid, ct, "branch 3 'gone' is drop but has 1 steps");
    ct = valid;
    ct.branches[0].steps[1] = brine::MaxAbsScaler(fixtures::vec({1, 1, 1}));
    refused_everywhere(valid, ct,
                       "branch 0 'scaled' step 1 expects 3 features but the step before it "
                       "produces 2");
    ct = valid;
    std::get<brine::ColumnTransformer>(ct.branches[2].steps[0]).branches[0].columns(0) = 2;
    refused_everywhere(valid, ct,
                       "ColumnTransformer: branch 2 'nested' step 0: ColumnTransformer: branch 0 "
                       "'mm' column 2 is out of range for 2 input features");
    ct = valid;
    for (auto& b : ct.branches) b.action = A::drop, b.steps.clear();
    ct.remainder.action = A::drop;
    ct.remainder.steps.clear();
    refused_everywhere(valid, ct, "ColumnTransformer: produces no output columns");
    // In a pipeline, the widths chain through it.
    brine::Pipeline p = fixtures::pipeline_column_transformer();
    p.estimator = fixtures::logistic_multi();
    refused_everywhere(fixtures::pipeline_column_transformer(), p,
                       "Pipeline: estimator expects 2 features but the step before it produces 6");
}

TEST_CASE("ColumnTransformer: an unknown action is malformed", "[io][column_transformer]") {
    for (brine::Format f : {brine::Format::binary, brine::Format::json}) {
        std::string bytes =
            brine::to_bytes(fixtures::column_transformer(), f, io_fixtures::fixed_time());
        const auto at = bytes.find("passthrough");
        REQUIRE(at != std::string::npos);
        bytes.replace(at, 11, "passthrougH");
        if (f == brine::Format::binary) io_fixtures::resign(bytes);
        BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(bytes), Errc::malformed,
                                "action 'passthrougH', expected 'drop', 'passthrough' or 'steps'");
    }
}

TEST_CASE("ColumnTransformer: nesting depth and step count are bounded by the load limits",
          "[io][column_transformer][limits]") {
    const brine::ColumnTransformer four = nested(4);
    brine::LoadOptions o;
    o.max_transform_depth = 3;
    for (brine::Format f : {brine::Format::binary, brine::Format::json}) {
        INFO(brine::format_name(f));
        const std::string bytes = brine::to_bytes(four, f, io_fixtures::fixed_time());
        CHECK(brine::from_bytes<brine::ColumnTransformer>(bytes) == four);  // default: 8
        try {
            (void)brine::from_bytes_any(bytes, o);
            FAIL("loaded past the depth limit");
        } catch (const brine::Error& e) {
            CHECK(e.code() == Errc::limit_exceeded);
            CHECK_THAT(std::string(e.what()),
                       BRINE_CONTAINS("ColumnTransformer nested 4 deep exceeds "
                                      "Limits::max_transform_depth (3)"));
            CHECK(e.limit() == std::optional<std::uint64_t>(3));
        }
        brine::LoadOptions few;
        few.max_transform_steps = 4;  // the fixture's pipeline holds 6 steps, nested ones counted
        const std::string p =
            brine::to_bytes(fixtures::pipeline_column_transformer(), f, io_fixtures::fixed_time());
        BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(p, few), Errc::limit_exceeded,
                                "more than Limits::max_transform_steps (4) transform steps");
        few.max_transform_steps = 6;
        CHECK(brine::from_bytes_any(p, few).holds<brine::Pipeline>());
    }
}

TEST_CASE("ColumnTransformer: a binary file nested 20000 deep is refused at the depth limit",
          "[io][column_transformer][limits][hostile]") {
    // Level k + 1's payload is level k's with the same bytes before and after it, so a file of
    // any depth is built without a model (or a stack) that deep.
    const std::string p1 = payload_of(nested(1)), p2 = payload_of(nested(2));
    const auto at = p2.find(p1);
    REQUIRE(at != std::string::npos);
    const std::string before = p2.substr(0, at), after = p2.substr(at + p1.size());
    REQUIRE(before + p1 + after == p2);
    std::string deep;
    const int depth = 20000;
    deep.reserve((before.size() + after.size()) * depth + p1.size());
    for (int d = 1; d < depth; ++d) deep += before;
    deep += p1;
    for (int d = 1; d < depth; ++d) deep += after;
    const std::string file = binary_with_payload(nested(1), deep);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(file), Errc::limit_exceeded,
                            "ColumnTransformer nested 9 deep exceeds Limits::max_transform_depth "
                            "(8) at byte");
    // The same built 4 deep loads: the splice is a faithful file.
    std::string four;
    for (int d = 1; d < 4; ++d) four += before;
    four += p1;
    for (int d = 1; d < 4; ++d) four += after;
    CHECK(brine::from_bytes<brine::ColumnTransformer>(binary_with_payload(nested(1), four)) ==
          nested(4));
}

TEST_CASE("ColumnTransformer: load cost terms", "[io][column_transformer]") {
    // E: 1 + per branch (1 + its columns + its steps' parameters), nested transformers likewise.
    //   scaled 1 + 2 + (4 + 2), copy 1 + 1, nested 1 + 2 + (1 + (1 + 1 + 2) + (1 + 1)),
    //   gone 1 + 1, remainder 1 + 1 + 2.
    const brine::ColumnTransformer ct = fixtures::column_transformer();
    CHECK(brine::detail::model_elements(ct) == 1 + 9 + 2 + 10 + 2 + 4);
    // C: 1 + per branch (1 + its columns + its steps' costs, 2 per scaled feature).
    //   scaled 1 + 2 + (4 + 4), copy 2, nested 1 + 2 + (1 + (2 + 2) + 2), gone 2, remainder 2 + 2.
    CHECK(brine::detail::row_cost(ct) == 1 + 11 + 2 + 10 + 2 + 4);
    CHECK(brine::detail::reference_width(ct) == 6);
}

}  // namespace column_transformer_io_test
