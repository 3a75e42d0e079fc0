// Tests that hostile files cannot make a load allocate much more than their own size.
// SPDX-License-Identifier: MIT
//
// Two checks over the same crafted files (huge length prefixes, rows x cols that overflow, JSON
// that claims huge arrays, deep nesting, millions of small objects) and some valid large ones,
// all loaded with the default LoadOptions, so that what bounds memory is the check of every
// length against the bytes that remain, not a small limit:
//  1. Each hostile load ends with a brine::Error (not bad_alloc disguised as one) in a child
//     process whose address space is capped with setrlimit(RLIMIT_AS).
//  2. Peak heap use during any load of an n-byte input is at most k * n + C (see the bound
//     below), measured by interposing glibc's malloc family for this whole executable (operator
//     new and RapidJSON's and Eigen's allocators all end in malloc).
// AddressSanitizer owns malloc and reserves terabytes of address space for its shadow memory, so
// in ASan builds neither can be measured: there each hostile load is only run in process, where
// ASan itself aborts on any allocation it finds too big.
#include <brine/brine.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"
#include "worst_files.hpp"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define BRINE_TEST_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define BRINE_TEST_UNDER_ASAN 1
#endif

#if defined(__GLIBC__) && defined(__linux__) && !defined(BRINE_TEST_UNDER_ASAN)
#define BRINE_TEST_MEASURES_MEMORY 1
#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

namespace {

/// The bound, per byte of input, on the heap one load may use at its peak, plus a constant.
///  - JSON: RapidJSON builds each array on its parse stack (16 bytes per value, grown by half)
///    and copies it into the DOM when the array closes; then the model's arrays take 8 bytes per
///    element and verifying the checksum re-encodes the binary body, 8 more in a buffer that grows
///    by doubling. The densest array, `0,` repeated, is 2 bytes per element: some 20 to 24 bytes
///    per input byte (measured: 24.1). Objects are less dense: `{"key":"","value":""},` is 23
///    bytes for ~80 of DOM and 64 of std::string pairs (measured: 4.6).
///  - Binary: 1x for arrays, 4x for lists of empty strings (8 bytes on disk, a 32-byte
///    std::string in memory), 6x while that vector grows by doubling (measured: 6.0).
/// C covers the fixed costs: RapidJSON's 64 KiB pool chunks and parse stack, messages, small
/// models.
[[maybe_unused]] constexpr double k_json = 32;  // unused when the heap is not measured
[[maybe_unused]] constexpr double k_binary = 8;
[[maybe_unused]] constexpr double c_bytes = 1 << 20;

#if defined(BRINE_TEST_MEASURES_MEMORY)
std::atomic<long long> live_bytes{0};
std::atomic<long long> peak_bytes{0};

void raise_peak(long long candidate) noexcept {
    long long seen = peak_bytes.load(std::memory_order_relaxed);
    while (candidate > seen &&
           !peak_bytes.compare_exchange_weak(seen, candidate, std::memory_order_relaxed)) {
    }
}

void note_allocated(void* p) noexcept {
    if (p == nullptr) return;
    const auto n = static_cast<long long>(malloc_usable_size(p));
    raise_peak(live_bytes.fetch_add(n, std::memory_order_relaxed) + n);
}

void note_freed(void* p) noexcept {
    if (p != nullptr)
        live_bytes.fetch_sub(static_cast<long long>(malloc_usable_size(p)),
                             std::memory_order_relaxed);
}
#endif

}  // namespace

#if defined(BRINE_TEST_MEASURES_MEMORY)
extern "C" {
void* __libc_malloc(std::size_t n);
void* __libc_calloc(std::size_t count, std::size_t n);
void* __libc_realloc(void* p, std::size_t n);
void* __libc_memalign(std::size_t alignment, std::size_t n);
void __libc_free(void* p);

void* malloc(std::size_t n) noexcept {
    void* p = __libc_malloc(n);
    note_allocated(p);
    return p;
}
void* calloc(std::size_t count, std::size_t n) noexcept {
    void* p = __libc_calloc(count, n);
    note_allocated(p);
    return p;
}
void* realloc(void* p, std::size_t n) noexcept {
    const auto old = static_cast<long long>(p != nullptr ? malloc_usable_size(p) : 0);
    void* q = __libc_realloc(p, n);
    if (q == nullptr && n != 0) return q;  // failed: p is untouched
    // A moving realloc holds both blocks for a moment: count the new one before the old goes.
    note_allocated(q);
    live_bytes.fetch_sub(old, std::memory_order_relaxed);
    return q;
}
void* memalign(std::size_t alignment, std::size_t n) noexcept {
    void* p = __libc_memalign(alignment, n);
    note_allocated(p);
    return p;
}
void* aligned_alloc(std::size_t alignment, std::size_t n) noexcept {
    return memalign(alignment, n);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t n) noexcept {
    void* p = memalign(alignment, n);
    if (p == nullptr) return 12;  // ENOMEM
    *out = p;
    return 0;
}
void free(void* p) noexcept {
    note_freed(p);
    __libc_free(p);
}
}
#endif

namespace {

using u64 = std::uint64_t;

/// Little-endian writer for hand-made binary sections.
class Wire {
public:
    Wire& u32(std::uint32_t v) { return put(&v, 4); }
    Wire& u64_(u64 v) { return put(&v, 8); }
    Wire& f64(double v) { return put(&v, 8); }
    Wire& str(const std::string& s) {
        u64_(s.size());
        bytes_ += s;
        return *this;
    }
    Wire& raw(const std::string& s) {
        bytes_ += s;
        return *this;
    }
    const std::string& bytes() const noexcept { return bytes_; }

private:
    Wire& put(const void* v, std::size_t n) {
        bytes_.append(static_cast<const char*>(v), n);  // host order: little-endian, asserted below
        return *this;
    }
    std::string bytes_;
};
static_assert(brine::detail::host_is_little_endian, "Wire writes host order");

/// A binary file around the given sections, with correct lengths and checksum, so that every
/// build (checksums verified) reaches the section decoders.
std::string binary_file(const std::string& header, const std::string& payload) {
    Wire w;
    w.raw(std::string(brine::detail::binary_magic, 8));
    const std::uint16_t version[2] = {1, 0};
    std::string v(reinterpret_cast<const char*>(version), 4);
    w.raw(v).u64_(header.size()).raw(header).u64_(payload.size()).raw(payload);
    std::string b = w.bytes();
    const u64 sum = brine::detail::XxHash64::hash(b.data(), b.size());
    return Wire().raw(b).u64_(sum).bytes();
}

/// The header section of a file brine writes for `m`.
template <class Model>
std::string header_of(const Model& m) {
    const std::string file = brine::to_bytes(m);
    const u64 h = brine::detail::get_u64(file, 12);
    return file.substr(brine::detail::binary_prefix_size, static_cast<std::size_t>(h));
}

/// A header up to and including the count of feature_names, then `present` empty names.
std::string header_with_names(u64 count, u64 present) {
    Wire w;
    w.str("linear_regression").u32(1).str("0.1.0").str("2026-01-01T00:00:00Z").u64_(count);
    std::string names(static_cast<std::size_t>(present) * 8, '\0');
    return w.raw(names).bytes();
}

/// A linear_regression payload whose coef claims rows x cols and holds `doubles` values.
std::string linear_payload(u64 rows, u64 cols, u64 doubles) {
    Wire w;
    w.u32(1).u64_(rows).u64_(cols).raw(std::string(static_cast<std::size_t>(doubles) * 8, '\0'));
    return w.bytes();
}

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

struct Input {
    std::string name;
    std::string bytes;
    bool hostile;
};

/// Valid model files, from tiny to a few MB, in both encodings.
std::vector<Input> valid_inputs() {
    std::vector<Input> in;
    brine::SaveOptions o;
    o.created = "2026-01-01T00:00:00Z";
    for (const brine::Format f : {brine::Format::binary, brine::Format::json}) {
        const std::string ext = f == brine::Format::json ? ".json" : ".brine";
        in.push_back({"linear" + ext, brine::to_bytes(fixtures::linear(), f, o), false});
        in.push_back(
            {"tree_classifier" + ext, brine::to_bytes(fixtures::tree_classifier(), f, o), false});
        in.push_back({"pipeline_classifier" + ext,
                      brine::to_bytes(fixtures::pipeline_classifier(), f, o), false});
        Eigen::VectorXd coef = Eigen::VectorXd::LinSpaced(200000, -1, 1);
        in.push_back({"linear_200k_features" + ext,
                      brine::to_bytes(brine::LinearRegression(coef, 0.5), f, o), false});
    }
    // The reference check of a pipeline whose step makes rows far wider than its inputs (2^15
    // one-hot categories, a ColumnTransformer repeating its one column 2^15 times), with the most
    // reference rows the default budget accepts: its intermediate rows must not take memory
    // beyond the bound (in blocks of 256 rows they took ~50 MiB for a 0.5 MiB file).
    for (const brine::Pipeline& p :
         {worst::one_hot_pipeline(1 << 15), worst::column_pipeline(1 << 15)}) {
        const Eigen::Index rows = worst::most_rows(p, brine::LoadOptions{});
        in.push_back({"widening pipeline, " + std::to_string(rows) + " reference rows",
                      worst::with_reference(p, worst::reference_for(p, rows)), false});
    }
    // The densest valid JSON: 400k coefficients of 0, written as the integer token `0` (2 bytes
    // each). Reads back as +0.0, the same model, so the checksum still holds.
    const brine::LinearRegression zeros(Eigen::VectorXd::Zero(400000), 0.0);
    std::string json = brine::to_bytes(zeros, brine::Format::json, o);
    std::string dense;
    dense.reserve(json.size());
    for (std::size_t i = 0; i < json.size(); ++i) {
        if (json.compare(i, 5, "0.0, ") == 0) {
            dense += "0,";
            i += 4;
        } else {
            dense += json[i];
        }
    }
    in.push_back({"linear_400k_zeros_dense.json", dense, false});
    // Near the most a reference check may cost: a chain tree of depth 2^15 walked by 300 rows
    // (300 x 65541 operations, within the default budget of 2^24 + 16 per value).
    const brine::DecisionTree chain = worst::chain_tree(1 << 15);
    in.push_back({"chain tree of depth 2^15, 300 reference rows",
                  worst::with_reference(chain, worst::reference_for(chain, 300)), false});
    return in;
}

/// Files that must be refused without allocating what they claim.
std::vector<Input> hostile_inputs() {
    std::vector<Input> in;
    const std::string header = header_of(fixtures::linear());
    const auto payload = [&](const std::string& name, const std::string& p) {
        in.push_back({name, binary_file(header, p), true});
    };
    // Length prefixes of strings and lists.
    in.push_back({"binary kind string of 2^31 bytes",
                  binary_file(Wire().u64_(u64{1} << 31).bytes(), ""), true});
    in.push_back({"binary kind string of 2^63 bytes",
                  binary_file(Wire().u64_(u64{1} << 63).bytes(), ""), true});
    in.push_back({"binary kind string of 2^64-1 bytes",
                  binary_file(Wire().u64_(~u64{0}).bytes(), ""), true});
    in.push_back(
        {"binary 2^31 feature names", binary_file(header_with_names(u64{1} << 31, 0), ""), true});
    in.push_back(
        {"binary 2^63 feature names", binary_file(header_with_names(u64{1} << 63, 0), ""), true});
    // Many small objects: a million empty names (8 bytes each on disk), then the data ends.
    in.push_back({"binary 2^20 empty feature names, one missing",
                  binary_file(header_with_names((u64{1} << 20) + 1, u64{1} << 20), ""), true});
    // Matrix dimensions.
    payload("binary coef of 2^31 x 1 with no data", linear_payload(u64{1} << 31, 1, 0));
    payload("binary coef of 2^63 x 1 with no data", linear_payload(u64{1} << 63, 1, 0));
    payload("binary coef of 2^63 x 0 (a negative Eigen::Index)",
            linear_payload(u64{1} << 63, 0, 0));
    payload("binary coef of 2^32 x 2^32 (product wraps to 0)",
            linear_payload(u64{1} << 32, u64{1} << 32, 0));
    payload("binary coef of (2^33+1) x 2^31 (product wraps to 2^31)",
            linear_payload((u64{1} << 33) + 1, u64{1} << 31, 4));
    payload("binary coef of 1 x (remaining/8 + 1)", linear_payload(1, 1025, 1024));
    payload("binary coef of 2^29+1 x 1 (over max_elements)",
            linear_payload((u64{1} << 29) + 1, 1, 0));
    {
        Wire tree;  // decision_tree: task, n_features, n_nodes, then the arrays
        tree.u32(1).str("classification").u32(2).u64_(u64{1} << 40);
        in.push_back({"binary tree of 2^40 nodes",
                      binary_file(header_of(fixtures::tree_classifier()), tree.bytes()), true});
        Wire pipe;  // pipeline: steps list
        pipe.u32(1).u64_(u64{1} << 63);
        in.push_back({"binary pipeline of 2^63 steps",
                      binary_file(header_of(fixtures::pipeline_classifier()), pipe.bytes()), true});
    }

    brine::SaveOptions o;
    o.created = "2026-01-01T00:00:00Z";
    const std::string json = brine::to_bytes(fixtures::linear(), brine::Format::json, o);
    const std::string coef = "\"coef\": {\n      \"rows\": 1,\n      \"cols\": 3,";
    const auto coef_claim = [&](const std::string& name, const std::string& rows,
                                const std::string& cols) {
        in.push_back(
            {name,
             replace_once(json, coef, "\"coef\": {\"rows\": " + rows + ", \"cols\": " + cols + ","),
             true});
    };
    coef_claim("json coef of 2^31 x 1 with 3 values", "2147483648", "1");
    coef_claim("json coef of 2^63 x 1 with 3 values", "9223372036854775808", "1");
    coef_claim("json coef of 2^63 x 0", "9223372036854775808", "0");
    coef_claim("json coef of 2^32 x 2^32 (product wraps to 0)", "4294967296", "4294967296");
    coef_claim("json coef of 2^64-1 x 1", "18446744073709551615", "1");
    coef_claim("json coef of 1e300 x 1", "1e300", "1");
    // Deep nesting where an array of strings is expected, never closed.
    in.push_back({"json 100000 nested arrays",
                  replace_once(json, "\"feature_names\": [",
                               "\"feature_names\": " + std::string(100000, '[')),
                  true});
    in.push_back({"json 100000 nested objects",
                  replace_once(
                      json, "\"target_name\": \"\"",
                      "\"target_name\": " +
                          [] {
                              std::string s;
                              for (int i = 0; i < 100000; ++i) s += "{\"a\":";
                              return s;
                          }()),
                  true});
    // Many small objects: 2^18 key/value pairs, all with the same key (refused once decoded), and
    // the same again with the document cut short (refused after building most of the DOM).
    std::string pairs = "\"extra\": [";
    for (int i = 0; i < (1 << 18); ++i)
        pairs += i ? ",{\"key\":\"\",\"value\":\"\"}" : "{\"key\":\"\",\"value\":\"\"}";
    pairs += "]";
    const std::string many = replace_once(json, "\"extra\": []", pairs);
    in.push_back({"json 2^18 key/value objects, duplicate keys", many, true});
    in.push_back(
        {"json 2^18 key/value objects, cut short", many.substr(0, many.size() - 2000), true});
    // A million numbers where three are expected.
    std::string numbers = "\"data\": [";
    for (int i = 0; i < (1 << 20); ++i) numbers += i ? ",0" : "0";
    in.push_back({"json 2^20 numbers in a 1 x 3 coef",
                  replace_once(json, "\"data\": [0.1, 5e-324, -0.0", numbers), true});
    // Products of sizes in the reference check, refused before the work (or its outputs) exists:
    // rows x depth, rows x steps, rows x classes x features, and n x 0 stored outputs for n rows
    // of 1024 classes (computing them first would allocate 8 KiB per 8-byte row).
    for (const worst::File& f :
         {worst::tree_rows_x_depth(1 << 15), worst::pipeline_rows_x_steps(1 << 12),
          worst::logistic_rows_x_coef(256), worst::logistic_outputs_n_by_0(1 << 16)}) {
        in.push_back({"reference " + f.name, f.bytes, true});
    }
    return in;
}

}  // namespace

TEST_CASE("memory bound: the crafted files are what they claim") {
    // The hand-made sections follow the format: a valid file built the same way loads.
    const std::string header = header_of(fixtures::linear());
    Wire p;
    p.u32(1).u64_(1).u64_(3).f64(1).f64(2).f64(3).u64_(1).u64_(1).f64(4);
    const brine::LinearRegression m =
        brine::from_bytes<brine::LinearRegression>(binary_file(header, p.bytes()));
    CHECK(m.n_features() == 3);
    for (const Input& i : valid_inputs()) {
        INFO(i.name);
        CHECK_NOTHROW(brine::from_bytes_any(i.bytes));
    }
    // Each hostile file is refused with a brine::Error, in process (under ASan this is the check:
    // an allocation of what the file claims would abort).
    for (const Input& i : hostile_inputs()) {
        INFO(i.name);
        CHECK_THROWS_AS(brine::from_bytes_any(i.bytes), brine::Error);
        // inspect reads no payload, so payload damage passes it; it may only fail as a
        // brine::Error.
        bool inspect_ok = true;
        try {
            (void)brine::inspect_bytes(i.bytes);
        } catch (const brine::Error&) {
        } catch (...) {
            inspect_ok = false;
        }
        CHECK(inspect_ok);
    }
}

#if defined(BRINE_TEST_MEASURES_MEMORY)

TEST_CASE("memory bound: hostile files end with brine::Error under a 512 MiB address-space limit") {
    for (const Input& i : hostile_inputs()) {
        INFO(i.name);
        std::fflush(nullptr);
        const pid_t child = fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            // Exit codes: 0 refused with brine::Error; 1 loaded; 2 refused as out of memory;
            // 3 another exception. _exit: the child must not run the parent's atexit handlers.
            const rlimit cap{rlim_t{512} << 20, rlim_t{512} << 20};
            if (setrlimit(RLIMIT_AS, &cap) != 0) _exit(4);
            try {
                (void)brine::from_bytes_any(i.bytes);
                _exit(1);
            } catch (const brine::Error& e) {
                _exit(std::strstr(e.what(), "out of memory") != nullptr ? 2 : 0);
            } catch (...) {
                _exit(3);
            }
        }
        int status = 0;
        REQUIRE(waitpid(child, &status, 0) == child);
        REQUIRE(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
    }
}

TEST_CASE("memory bound: a load of n bytes uses at most k * n + C bytes of heap at its peak") {
    std::vector<Input> inputs = valid_inputs();
    for (Input& i : hostile_inputs()) inputs.push_back(std::move(i));
    double worst_json = 0, worst_binary = 0;
    for (const Input& i : inputs) {
        INFO(i.name);
        const bool json = brine::detail::detect_format(i.bytes) == brine::Format::json;
        const long long before = live_bytes.load();
        peak_bytes.store(before);
        bool refused = false;
        try {
            (void)brine::from_bytes_any(i.bytes);
        } catch (const brine::Error&) {
            refused = true;
        }
        const double used = static_cast<double>(peak_bytes.load() - before);
        const double n = static_cast<double>(i.bytes.size());
        const double k = json ? k_json : k_binary;
        const double ratio = std::max(0.0, used - c_bytes) / n;
        (json ? worst_json : worst_binary) = std::max(json ? worst_json : worst_binary, ratio);
        std::printf("%-60s %9.0f bytes in, peak %10.0f bytes (%.2f x n, %.2f x n beyond C)%s\n",
                    i.name.c_str(), n, used, used / n, ratio, refused ? ", refused" : "");
        CHECK(refused == i.hostile);
        CHECK(used <= k * n + c_bytes);
    }
    std::printf("worst (peak - C) / n: json %.2f (bound %.0f), binary %.2f (bound %.0f)\n",
                worst_json, k_json, worst_binary, k_binary);
}

#else

TEST_CASE("memory bound: address-space limit and peak heap (not measurable here)") {
    // AddressSanitizer (or a non-glibc libc) owns malloc: nothing to measure. The in-process
    // refusals above still run.
    WARN("memory bound not measured in this build: AddressSanitizer owns malloc and RLIMIT_AS");
    CHECK(true);
}

#endif
