// The registry of brine's built-in model kinds: the one list from which the kind enum, the kind
// names, the model-to-kind trait, AnyModel's alternatives, the schema-version table and the
// compiled library's instantiations are all derived.
// SPDX-License-Identifier: MIT
#pragma once

/// One row per built-in kind: `X(Type, name, number, schema)`.
///  - Type: the model class (its header is included by brine/models/any_model.hpp);
///  - name: the kind's stable name, spelled as the ModelKind enumerator and in JSON files;
///  - number: the ModelKind value written into binary files (never renumber, never reuse);
///  - schema: the current schema version of the kind's payload (readers keep loading every
///    older version, see docs/compatibility.md).
/// Adding a kind is adding its row here (and including its header in any_model.hpp). Reserved
/// numbers: none left of this round (8 to 12 are taken).
/// Alternatives of AnyModel follow the rows' order, which is not written anywhere.
#define BRINE_MODEL_KINDS(X)                         \
    X(LinearRegression, linear_regression, 1, 1)     \
    X(LogisticRegression, logistic_regression, 2, 2) \
    X(DecisionTree, decision_tree, 3, 2)             \
    X(StandardScaler, standard_scaler, 4, 1)         \
    X(MinMaxScaler, min_max_scaler, 5, 1)            \
    X(Pipeline, pipeline, 6, 1)                      \
    X(TreeEnsemble, tree_ensemble, 7, 2)             \
    X(SimpleImputer, simple_imputer, 8, 1)           \
    X(OneHotEncoder, one_hot_encoder, 9, 1)          \
    X(ColumnTransformer, column_transformer, 10, 1)  \
    X(MaxAbsScaler, max_abs_scaler, 11, 1)           \
    X(RobustScaler, robust_scaler, 12, 1)
