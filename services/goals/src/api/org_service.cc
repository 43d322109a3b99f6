#include "services/goals/src/api/org_service.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "okr/common/aip/page_size.h"
#include "okr/common/status/errors.h"
#include "services/goals/src/api/org_names.h"
#include "services/goals/src/api/org_proto.h"
#include "services/goals/src/api/org_validation.h"
#include "services/goals/src/feed/changes.h"
#include "services/goals/src/store/org_directory.h"

namespace okr::goals {
namespace {

// Decided before the request is even validated, so a caller without the role learns nothing about
// the records a batch names.
// The person a write is reported as made by: none for a service identity syncing the directory.
std::string Actor(const common::Principal& principal) {
  return principal.HasRole(kAdminRole) ? principal.subject : std::string();
}

absl::Status CheckCanWrite(const common::Principal& principal) {
  if (principal.HasRole(kAdminRole) || principal.HasRole(kOrgSyncRole)) return absl::OkStatus();
  return common::PermissionDenied("ORG_WRITE_DENIED",
                                  absl::StrCat("writing the org directory needs the '", kAdminRole,
                                               "' or '", kOrgSyncRole, "' role"));
}

// The position to resume a listing from: empty for the first page.
absl::StatusOr<std::string> ResumeAfter(const common::PageTokenCodec& codec,
                                        const std::string& token, const common::PageScope& scope) {
  if (token.empty()) return std::string();
  return codec.Open(token, scope);
}

}  // namespace

absl::Status OrgService::WriteWithChanges(
    const common::Principal& /*principal*/,
    absl::FunctionRef<absl::Status(common::SqlSession&, common::ChangeBatch&)> body) {
  auto batch = std::make_shared<common::ChangeBatch>();
  absl::Notification done;
  absl::Status result;
  database_->Write([&body, batch](common::SqlSession& session) { return body(session, *batch); },
                   [&, batch](absl::Status status) {
                     // On the writer thread, in commit order: the order the feed needs.
                     if (status.ok() && feed_ != nullptr) feed_->Publish(*batch);
                     result = std::move(status);
                     done.Notify();
                   });
  done.WaitForNotification();
  return result;
}

grpc::ServerUnaryReactor* OrgService::BatchUpsertPeople(
    grpc::CallbackServerContext* context, const org::v1::BatchUpsertPeopleRequest* request,
    org::v1::BatchUpsertPeopleResponse* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    if (absl::Status allowed = CheckCanWrite(call.principal); !allowed.ok()) return allowed;
    auto people = PeopleFromRequest(*request);
    if (!people.ok()) return people.status();
    const absl::Time now = absl::Now();
    std::vector<Person> stored;
    absl::Status written = WriteWithChanges(call.principal, [&](common::SqlSession& session,
                                                                common::ChangeBatch& batch) {
      auto result = OrgDirectory(session, call.principal.tenant).UpsertPeople(*people, now);
      if (!result.ok()) return result.status();
      stored = *std::move(result);
      GoalsChanges changes(session, batch, call.principal.tenant, Actor(call.principal),
                           ReadContext{now, {}, {}});
      for (const Person& p : stored) {
        if (absl::ToUnixMicros(p.update_time) != absl::ToUnixMicros(now))
          continue;  // unchanged: not reported
        absl::Status s = changes.Person(absl::ToUnixMicros(p.create_time) == absl::ToUnixMicros(now)
                                            ? goals::v1::CHANGE_KIND_PERSON_CREATED
                                            : goals::v1::CHANGE_KIND_PERSON_UPDATED,
                                        ToProto(p));
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    });
    if (!written.ok()) return written;
    for (const Person& person : stored) *response->add_people() = ToProto(person);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* OrgService::BatchUpsertTeams(
    grpc::CallbackServerContext* context, const org::v1::BatchUpsertTeamsRequest* request,
    org::v1::BatchUpsertTeamsResponse* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    if (absl::Status allowed = CheckCanWrite(call.principal); !allowed.ok()) return allowed;
    auto teams = TeamsFromRequest(*request);
    if (!teams.ok()) return teams.status();
    const absl::Time now = absl::Now();
    std::vector<Team> stored;
    absl::Status written = WriteWithChanges(call.principal, [&](common::SqlSession& session,
                                                                common::ChangeBatch& batch) {
      auto result = OrgDirectory(session, call.principal.tenant).UpsertTeams(*teams, now);
      if (!result.ok()) return result.status();
      stored = *std::move(result);
      GoalsChanges changes(session, batch, call.principal.tenant, Actor(call.principal),
                           ReadContext{now, {}, {}});
      for (const Team& t : stored) {
        if (absl::ToUnixMicros(t.update_time) != absl::ToUnixMicros(now))
          continue;  // unchanged: not reported
        absl::Status s = changes.Team(absl::ToUnixMicros(t.create_time) == absl::ToUnixMicros(now)
                                          ? goals::v1::CHANGE_KIND_TEAM_CREATED
                                          : goals::v1::CHANGE_KIND_TEAM_UPDATED,
                                      ToProto(t));
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    });
    if (!written.ok()) return written;
    for (const Team& team : stored) *response->add_teams() = ToProto(team);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* OrgService::GetPerson(grpc::CallbackServerContext* context,
                                                const org::v1::GetPersonRequest* request,
                                                org::v1::Person* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    auto id = PersonIdFromField(request->name(), "name");
    if (!id.ok()) return id.status();
    std::optional<Person> found;
    absl::Status read = database_->Read([&](common::SqlSession& session) {
      auto result = OrgDirectory(session, call.principal.tenant).FindPerson(*id);
      if (!result.ok()) return result.status();
      found = *std::move(result);
      return absl::OkStatus();
    });
    if (!read.ok()) return read;
    if (!found.has_value()) {
      return common::NotFound("PERSON_NOT_FOUND", absl::StrCat("no person ", request->name()));
    }
    *response = ToProto(*found);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* OrgService::GetTeam(grpc::CallbackServerContext* context,
                                              const org::v1::GetTeamRequest* request,
                                              org::v1::Team* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    auto id = TeamIdFromField(request->name(), "name");
    if (!id.ok()) return id.status();
    std::optional<Team> found;
    absl::Status read = database_->Read([&](common::SqlSession& session) {
      auto result = OrgDirectory(session, call.principal.tenant).FindTeam(*id);
      if (!result.ok()) return result.status();
      found = *std::move(result);
      return absl::OkStatus();
    });
    if (!read.ok()) return read;
    if (!found.has_value()) {
      return common::NotFound("TEAM_NOT_FOUND", absl::StrCat("no team ", request->name()));
    }
    *response = ToProto(*found);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* OrgService::ListPeople(grpc::CallbackServerContext* context,
                                                 const org::v1::ListPeopleRequest* request,
                                                 org::v1::ListPeopleResponse* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    auto page_size = common::CoercePageSize(request->page_size());
    if (!page_size.ok()) return page_size.status();
    auto filter = PeopleFilterFromRequest(*request);
    if (!filter.ok()) return filter.status();
    // Every request field but the token, so a token only continues the listing it came from.
    const common::PageScope scope{
        call.principal.tenant,
        {"ListPeople", absl::StrCat(request->page_size()), request->team(), request->manager(),
         request->include_inactive() ? "1" : "0"}};
    auto after = ResumeAfter(*page_tokens_, request->page_token(), scope);
    if (!after.ok()) return after.status();
    Page<Person> page;
    absl::Status read = database_->Read([&](common::SqlSession& session) {
      auto result =
          OrgDirectory(session, call.principal.tenant).ListPeople(*filter, *after, *page_size);
      if (!result.ok()) return result.status();
      page = *std::move(result);
      return absl::OkStatus();
    });
    if (!read.ok()) return read;
    for (const Person& person : page.items) *response->add_people() = ToProto(person);
    if (!page.next_after.empty()) {
      response->set_next_page_token(page_tokens_->Seal(scope, page.next_after));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* OrgService::ListTeams(grpc::CallbackServerContext* context,
                                                const org::v1::ListTeamsRequest* request,
                                                org::v1::ListTeamsResponse* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    auto page_size = common::CoercePageSize(request->page_size());
    if (!page_size.ok()) return page_size.status();
    auto filter = TeamFilterFromRequest(*request);
    if (!filter.ok()) return filter.status();
    const common::PageScope scope{call.principal.tenant,
                                  {"ListTeams", absl::StrCat(request->page_size()),
                                   request->parent(), request->include_inactive() ? "1" : "0"}};
    auto after = ResumeAfter(*page_tokens_, request->page_token(), scope);
    if (!after.ok()) return after.status();
    Page<Team> page;
    absl::Status read = database_->Read([&](common::SqlSession& session) {
      auto result =
          OrgDirectory(session, call.principal.tenant).ListTeams(*filter, *after, *page_size);
      if (!result.ok()) return result.status();
      page = *std::move(result);
      return absl::OkStatus();
    });
    if (!read.ok()) return read;
    for (const Team& team : page.items) *response->add_teams() = ToProto(team);
    if (!page.next_after.empty()) {
      response->set_next_page_token(page_tokens_->Seal(scope, page.next_after));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* OrgService::GetReportingChain(
    grpc::CallbackServerContext* context, const org::v1::GetReportingChainRequest* request,
    org::v1::GetReportingChainResponse* response) {
  return runtime_->Unary(context, [this, request, response](const common::Call& call) {
    auto id = PersonIdFromField(request->name(), "name");
    if (!id.ok()) return id.status();
    if (absl::Status depth = CheckMaxDepth(request->max_depth()); !depth.ok()) return depth;
    ReportingChain chain;
    absl::Status read = database_->Read([&](common::SqlSession& session) {
      auto result =
          OrgDirectory(session, call.principal.tenant).GetReportingChain(*id, request->max_depth());
      if (!result.ok()) return result.status();
      chain = *std::move(result);
      return absl::OkStatus();
    });
    if (!read.ok()) return read;
    for (const Person& manager : chain.managers) *response->add_managers() = ToProto(manager);
    response->set_unresolved_manager(PersonName(chain.unresolved_manager));
    return absl::OkStatus();
  });
}

}  // namespace okr::goals
