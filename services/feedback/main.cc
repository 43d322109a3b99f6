// okr-feedback: feedback and recognition, feedback requests, one-on-ones and review cycles,
// served over gRPC.
#include "okr/common/server/service_binary.h"
#include "services/feedback/src/feedback_service.h"

int main(int argc, char** argv) {
  okr::common::ServiceBinary binary("feedback", "okr-suite feedback service", "127.0.0.1:50052");
  // Used once feedback asks goals for reporting chains and linked objectives.
  std::string goals_address = "127.0.0.1:50051";
  binary.AddAddressFlag("--goals-address", "OKR_GOALS_ADDRESS", &goals_address,
                        "goals service host:port");
  if (auto exit_code = binary.Init(argc, argv)) return *exit_code;

  okr::feedback::FeedbackService feedback(&binary.runtime());
  return binary.Serve({{&feedback, okr::feedback::v1::FeedbackService::service_full_name()}});
}
