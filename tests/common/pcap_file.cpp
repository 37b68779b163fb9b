#include "pcap_file.hpp"

#include <pcap/pcap.h>

#include <stdexcept>

namespace tg::testing {

void write_pcap(const std::string& path, const Frames& frames) {
    pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
    if (dead == nullptr) throw std::runtime_error("pcap_open_dead failed");
    pcap_dumper_t* dumper = pcap_dump_open(dead, path.c_str());
    if (dumper == nullptr) {
        const std::string err = pcap_geterr(dead);
        pcap_close(dead);
        throw std::runtime_error("cannot write " + path + ": " + err);
    }
    long usec = 0;
    for (const auto& f : frames) {
        pcap_pkthdr h{};
        h.ts.tv_sec = 1'700'000'000;
        h.ts.tv_usec = usec++;
        h.caplen = h.len = static_cast<bpf_u_int32>(f.size());
        pcap_dump(reinterpret_cast<u_char*>(dumper), &h, f.data());
    }
    pcap_dump_close(dumper);
    pcap_close(dead);
}

Frames read_pcap(const std::string& path) {
    char err[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline(path.c_str(), err);
    if (p == nullptr) throw std::runtime_error("cannot read " + path + ": " + err);
    Frames out;
    pcap_pkthdr* h;
    const u_char* data;
    while (pcap_next_ex(p, &h, &data) == 1) out.emplace_back(data, data + h->caplen);
    pcap_close(p);
    return out;
}

}  // namespace tg::testing
