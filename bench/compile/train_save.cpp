// Compile-time cost of a training program: the training shim, then save in both encodings.
#include <brine/brine.hpp>
#include <brine/train.hpp>

int main() {
    Eigen::MatrixXd X = Eigen::MatrixXd::Random(100, 5);
    Eigen::VectorXd y = (X.col(0).array() > 0).cast<double>();
    const brine::LogisticRegression m = brine::train::logistic_regression(X, y);
    brine::save(m, "m.brine");
    brine::save(m, "m.json");
    return 0;
}
