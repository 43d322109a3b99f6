// okr-demo: fills a tenant of a running suite with a realistic company (see plan.h), through the
// public RPCs. The composition root: flags, channels, tokens, then the plan and the loader.
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "tools/okr-demo/loader.h"
#include "tools/okr-demo/plan.h"
#include "tools/okr-demo/tokens.h"
#include "tools/okrctl/cli.h"

namespace {

struct Flags {
  uint64_t seed = 42;
  int people = 200;
  int teams = 20;
  std::string today;
  bool if_empty = false;
  bool dry_run = false;
  std::string tenant = "demo";
  std::string goals_address = "127.0.0.1:50051";
  std::string feedback_address = "127.0.0.1:50052";
  std::string secret;
  std::string secret_file = ".state/local/jwt-secret";
  std::string issuer = "okr-dev";
  std::string audience = "okr-suite";
  int concurrency = 16;
};

bool ReadSecret(const std::string& file, std::string* out) {
  std::ifstream in(file);
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  *out = std::string(absl::StripAsciiWhitespace(text.str()));
  return !out->empty();
}

std::shared_ptr<grpc::Channel> Connect(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 20000);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

int Run(const Flags& f) {
  okr::demo::PlanOptions plan_options;
  plan_options.seed = f.seed;
  plan_options.people = f.people;
  plan_options.teams = f.teams;
  plan_options.today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  if (!f.today.empty() && !absl::ParseCivilTime(f.today, &plan_options.today)) {
    std::cerr << "okr-demo: --today must be a date YYYY-MM-DD\n";
    return 2;
  }
  std::string error;
  const okr::demo::DemoPlan plan = okr::demo::MakePlan(plan_options, &error);
  if (!error.empty()) {
    std::cerr << "okr-demo: " << error << "\n";
    return 2;
  }
  if (f.dry_run) {
    size_t key_results = 0, check_ins = 0;
    for (const auto& o : plan.objectives) {
      key_results += o.key_results.size();
      for (const auto& k : o.key_results) check_ins += k.check_ins.size();
    }
    std::cout << absl::StrFormat(
        "plan (seed %d): cycle %s, %d teams, %d people, %d objectives, %d key results, %d "
        "check-ins, %d feedback, %d requests, %d one-on-ones, %d assessments\n",
        f.seed, plan.cycle_name, plan.teams.size(), plan.people.size(), plan.objectives.size(),
        key_results, check_ins, plan.feedback.size(), plan.requests.size(), plan.one_on_ones.size(),
        plan.review_cycle.assessments.size());
    return 0;
  }
  std::string secret = f.secret;
  if (secret.empty() && !ReadSecret(f.secret_file, &secret)) {
    std::cerr << "okr-demo: needs the suite's HS256 secret: --jwt-secret, OKR_JWT_SECRET or "
                 "--jwt-secret-file (cannot read "
              << f.secret_file << ")\n";
    return 2;
  }
  okr::common::TokenClaims claims;
  claims.tenant = f.tenant;
  claims.issuer = f.issuer;
  claims.audience = f.audience;
  claims.ttl = absl::Hours(1);
  okr::demo::Tokens tokens(claims, secret);

  okr::demo::LoaderOptions options;
  options.goals = Connect(f.goals_address);
  options.feedback = Connect(f.feedback_address);
  options.tokens = &tokens;
  options.seed = f.seed;
  options.concurrency = f.concurrency;
  const absl::Time start = absl::Now();
  options.on_step = [start](std::string_view step) {
    std::cout << absl::StrFormat("  %5.1f s  %s\n", absl::ToDoubleSeconds(absl::Now() - start),
                                 step)
              << std::flush;
  };
  okr::demo::Loader loader(std::move(options));
  if (f.if_empty) {
    absl::StatusOr<bool> has = loader.TenantHasCycles();
    if (!has.ok()) {
      std::cerr << "okr-demo: " << has.status().message() << "\n";
      return 1;
    }
    if (*has) {
      std::cout << "okr-demo: tenant '" << f.tenant
                << "' already has a cycle; nothing loaded (--if-empty)\n";
      return 0;
    }
  }
  std::cout << std::unitbuf << "okr-demo: loading tenant '" << f.tenant << "' (seed " << f.seed
            << ")\n";
  absl::StatusOr<okr::demo::LoadSummary> s = loader.Load(plan);
  if (!s.ok()) {
    std::cerr << "okr-demo: " << s.status().message() << "\n";
    return 1;
  }
  std::cout << absl::StrFormat(
      "okr-demo: loaded in %.1f s: %s (%s), %d teams, %d people, %d objectives, %d key results, "
      "%d check-ins and %d streamed events, %d feedback, %d feedback requests (%d answered, %d "
      "declined), %d one-on-ones, %d assessments\n",
      absl::ToDoubleSeconds(absl::Now() - start), s->cycle, plan.cycle_name, s->teams, s->people,
      s->objectives, s->key_results, s->check_ins, s->events, s->feedback, s->requests, s->answers,
      s->declines, s->one_on_ones, s->assessments);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "okr-demo: loads a realistic demo company (teams, people, a quarter of OKRs with 8 weeks "
      "of check-ins, feedback, one-on-ones, a review cycle) into a running suite, through its "
      "public RPCs. The same --seed and --today give the same company."};
  Flags f;
  app.add_option("--seed", f.seed, "Seed of the generator")->capture_default_str();
  app.add_option("--people", f.people, "People in the company")
      ->check(CLI::Range(6, 1000))
      ->capture_default_str();
  app.add_option("--teams", f.teams, "Teams, the company included, in 3 levels")
      ->check(CLI::Range(3, 200))
      ->capture_default_str();
  app.add_option("--today", f.today, "The day to build the history up to (default: today, UTC)");
  app.add_flag("--if-empty", f.if_empty, "Load nothing when the tenant already has a cycle");
  app.add_flag("--dry-run", f.dry_run, "Print what the plan holds; call nothing");
  app.add_option("--tenant", f.tenant, "Tenant to fill")
      ->envname("OKR_TENANT")
      ->capture_default_str();
  app.add_option("--goals-address", f.goals_address, "okr-goals (org, goals, ingest)")
      ->envname("OKR_GOALS_ADDRESS")
      ->capture_default_str();
  app.add_option("--feedback-address", f.feedback_address, "okr-feedback")
      ->envname("OKR_FEEDBACK_ADDRESS")
      ->capture_default_str();
  app.add_option("--jwt-secret", f.secret, "HS256 secret of the suite (prefer OKR_JWT_SECRET)")
      ->envname("OKR_JWT_SECRET");
  app.add_option("--jwt-secret-file", f.secret_file, "File holding the HS256 secret")
      ->capture_default_str();
  app.add_option("--jwt-issuer", f.issuer, "iss claim")
      ->envname("OKR_JWT_ISSUER")
      ->capture_default_str();
  app.add_option("--jwt-audience", f.audience, "aud claim")
      ->envname("OKR_JWT_AUDIENCE")
      ->capture_default_str();
  app.add_option("--concurrency", f.concurrency, "Calls in flight at once")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return Run(f);
}
