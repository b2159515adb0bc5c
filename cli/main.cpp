// kairos: the command line. Subcommands come from the table in commands();
// option parsing is CLI11's. A usage error exits 2, as SPEC §8 says.

#include <fmt/format.h>

#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "data/value.hpp"

namespace kairos::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"run", "run playbooks over a data file and write the actions", setup_run},
      {"check", "parse, resolve, type-check and lint playbooks", setup_check},
      {"test", "run the cases of *.test.yaml files", setup_test},
      {"fmt", "format playbooks in the canonical layout", setup_fmt},
      {"explain", "show why each rule fired or not for one record", setup_explain},
      {"diff", "compare two versions of a playbook on a data set", setup_diff},
      {"disasm", "print the compiled bytecode of a playbook", setup_disasm},
  };
  return table;
}

/// An option given with an empty value (`--as-of ""`, `--out "$UNSET"`) is
/// a usage error: it would otherwise silently mean the option's default
/// (today, standard output, the playbook's schema...).
void refuse_empty_values(const CLI::App& sub) {
  for (const CLI::Option* opt : sub.get_options()) {
    if (opt->get_positional() || opt->get_type_size_max() == 0 || opt->count() == 0) continue;
    for (const std::string& value : opt->results()) {
      if (value.empty()) {
        throw UsageError(fmt::format("{}: the value is empty (leave the option out for its default)", opt->get_name()));
      }
    }
  }
}

/// The status after printing the help: a usage error when it could not be written.
int finish_help(int status) {
  try {
    finish_standard_output();
  } catch (const UsageError& e) {
    std::cerr << "kairos: " << e.what() << "\n";
    return kExitUsage;
  }
  return status;
}

int32_t parse_as_of(const std::string& text) {
  int32_t days = 0;
  if (!parse_iso_date(text, days)) throw UsageError(fmt::format("--as-of: '{}' is not a date (YYYY-MM-DD)", text));
  return days;
}

}  // namespace kairos::cli

int main(int argc, char** argv) {
  using namespace kairos::cli;
  capture_standard_output();
  CLI::App app{"kairos: expansion playbooks for customer success"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "show the help of every command");
  std::vector<std::pair<CLI::App*, Action>> actions;
  for (const Command& c : commands()) {
    CLI::App* sub = app.add_subcommand(c.name, c.help);
    actions.emplace_back(sub, c.setup(*sub));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return finish_help(app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return finish_help(app.exit(e));
  } catch (const CLI::ParseError& e) {
    std::fflush(stdout);
    std::cerr << "kairos: " << e.what() << "\n";
    std::cerr << "run 'kairos --help' or 'kairos COMMAND --help' for usage\n";
    return kExitUsage;
  }
  try {
    for (auto& [sub, action] : actions) {
      if (!sub->parsed()) continue;
      refuse_empty_values(*sub);
      const int status = action();
      finish_standard_output();
      return status;
    }
  } catch (const UsageError& e) {
    std::cerr << "kairos: " << e.what() << "\n";
    return kExitUsage;
  } catch (const kairos::DataError& e) {
    // A data file that cannot be read: exit 2 (SPEC §8), like one that cannot be opened.
    std::cerr << "kairos: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "kairos: internal error: " << e.what() << "\n";
    return 70;
  }
  return kExitUsage;
}
