// The `rosterd` subcommands. Each takes the arguments after its name, writes its report to
// `out`, returns the exit status (daemon/exit_status.h) and throws Error for what stops it.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace rosterd {

int run_check_config_command(const std::vector<std::string>& args, std::ostream& out);
int run_check_command(const std::vector<std::string>& args, std::ostream& out);
int run_ingest_command(const std::vector<std::string>& args, std::ostream& out);
int run_history_command(const std::vector<std::string>& args, std::ostream& out);
int run_show_command(const std::vector<std::string>& args, std::ostream& out);
int run_approve_command(const std::vector<std::string>& args, std::ostream& out);
int run_reject_command(const std::vector<std::string>& args, std::ostream& out);
int run_rollback_command(const std::vector<std::string>& args, std::ostream& out);
int run_pause_command(const std::vector<std::string>& args, std::ostream& out);
int run_resume_command(const std::vector<std::string>& args, std::ostream& out);
int run_fetch_command(const std::vector<std::string>& args, std::ostream& out);
int run_files_command(const std::vector<std::string>& args, std::ostream& out);
int run_run_command(const std::vector<std::string>& args, std::ostream& out);
int run_mail_test_command(const std::vector<std::string>& args, std::ostream& out);
int run_outbox_command(const std::vector<std::string>& args, std::ostream& out);
int run_sync_now_command(const std::vector<std::string>& args, std::ostream& out);
int run_status_command(const std::vector<std::string>& args, std::ostream& out);
int run_store_check_command(const std::vector<std::string>& args, std::ostream& out);
int run_export_command(const std::vector<std::string>& args, std::ostream& out);
int run_record_command(const std::vector<std::string>& args, std::ostream& out);
int run_suggest_format_command(const std::vector<std::string>& args, std::ostream& out);
int run_layout_command(const std::vector<std::string>& args, std::ostream& out);
int run_alerts_command(const std::vector<std::string>& args, std::ostream& out);
int run_resolve_command(const std::vector<std::string>& args, std::ostream& out);
int run_import_existing_command(const std::vector<std::string>& args, std::ostream& out);
int run_student_command(const std::vector<std::string>& args, std::ostream& out);
int run_user_command(const std::vector<std::string>& args, std::ostream& out);
int run_token_command(const std::vector<std::string>& args, std::ostream& out);

}  // namespace rosterd
