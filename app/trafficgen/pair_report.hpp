// `trafficgen report --generator G.json --sink S.json [--json OUT]`: joins the reports of
// a generator and a sink that ran apart (two VMs, two namespaces) into one, prints the
// results table and writes the joined report.
#pragma once

namespace tg::app {

// argv[0] is "report". Exit codes as trafficgen's: 2 for a file that is not a report of
// the right role, 4 when the joined report cannot be written.
int pair_report_main(int argc, char** argv);

}  // namespace tg::app
