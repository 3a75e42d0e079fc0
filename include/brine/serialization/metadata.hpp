// How brine::Metadata, brine::Provenance and brine::Reference map onto an archive.
// SPDX-License-Identifier: MIT
#pragma once

#include <cereal/cereal.hpp>

#include <map>
#include <string>
#include <vector>

#include "brine/detail/text.hpp"
#include "brine/io/options.hpp"
#include "brine/metadata.hpp"
#include "brine/serialization/eigen.hpp"

namespace brine::detail {

/// A list of strings: a size, then the strings, appended one at a time.
struct StringList {
    std::vector<std::string>* items;

    template <class Archive>
    void save(Archive& ar) const {
        ar(cereal::make_size_tag(static_cast<std::uint64_t>(items->size())));
        for (const auto& s : *items) ar(s);
    }
    template <class Archive>
    void load(Archive& ar) {
        std::uint64_t n = 0;
        ar(cereal::make_size_tag(n));
        items->clear();
        for (std::uint64_t i = 0; i < n; ++i) {
            std::string s;
            ar(s);
            items->push_back(std::move(s));
        }
    }
};

/// A string-keyed map written as a list of {"key", "value"} objects, in key order. A key that
/// appears twice is an error, never silently dropped.
template <class V>
struct KeyValues {
    std::map<std::string, V>* items;

    template <class Archive>
    void save(Archive& ar) const {
        ar(cereal::make_size_tag(static_cast<std::uint64_t>(items->size())));
        for (auto& kv : *items) {
            std::string key = kv.first;
            V value = kv.second;
            ar(Entry{&key, &value});
        }
    }
    template <class Archive>
    void load(Archive& ar) {
        std::uint64_t n = 0;
        ar(cereal::make_size_tag(n));
        items->clear();
        for (std::uint64_t i = 0; i < n; ++i) {
            std::string key;
            V value{};
            ar(Entry{&key, &value});
            if (!items->emplace(key, std::move(value)).second) {
                ar.fail(Errc::malformed, "key " + ::brine::detail::quoted(key) + " appears twice");
            }
        }
    }

    struct Entry {
        std::string* key;
        V* value;
        template <class Archive>
        void serialize(Archive& ar) {
            ar(cereal::make_nvp("key", *key), cereal::make_nvp("value", *value));
        }
    };
};

template <class Archive>
void serialize_provenance(Archive& ar, Provenance& p) {
    ar(cereal::make_nvp("library_version", p.library_version),
       cereal::make_nvp("trainer", p.trainer),
       cereal::make_nvp("options", KeyValues<std::string>{&p.options}),
       cereal::make_nvp("data_hash", p.data_hash), cereal::make_nvp("n_samples", p.n_samples),
       cereal::make_nvp("metrics", KeyValues<double>{&p.metrics}));
}

struct ProvenanceRef {
    Provenance* p;
    template <class Archive>
    void serialize(Archive& ar) {
        serialize_provenance(ar, *p);
    }
};

}  // namespace brine::detail

namespace brine {

template <class Archive>
void serialize(Archive& ar, Metadata& m) {
    ar(cereal::make_nvp("feature_names", detail::StringList{&m.feature_names}),
       cereal::make_nvp("target_name", m.target_name),
       cereal::make_nvp("class_labels", detail::StringList{&m.class_labels}),
       cereal::make_nvp("extra", detail::KeyValues<std::string>{&m.extra}),
       cereal::make_nvp("provenance", detail::ProvenanceRef{&m.provenance}));
}

template <class Archive>
void serialize(Archive& ar, Reference& r) {
    ar(cereal::make_nvp("inputs", r.inputs), cereal::make_nvp("outputs", r.outputs),
       cereal::make_nvp("tolerance", r.tolerance), cereal::make_nvp("build", r.build));
}

}  // namespace brine
