// Compile-time cost of a training program: fit a pipeline (scaler, then logistic regression) with
// the training shim, then save it in both encodings.
#include <brine/brine.hpp>
#include <brine/train.hpp>

int main() {
    Eigen::MatrixXd X = Eigen::MatrixXd::Random(100, 5);
    Eigen::VectorXd y = (X.col(0).array() > 0).cast<double>();
    const brine::Pipeline p = brine::train::pipeline(X, y, {brine::train::StandardScalerOptions{}},
                                                     brine::train::LogisticOptions{});
    brine::save(p, "m.brine");
    brine::save(p, "m.json");
    return 0;
}
