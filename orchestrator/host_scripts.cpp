// The scripts trafficgen-orch runs on a host (sh -s, fed on stdin). Each is fixed text;
// the inventory's values arrive as positional arguments and are only ever expanded
// inside double quotes, so no value is ever run as a command. Each prints key=value
// lines, and fails with one sentence on stderr.
#include "host_scripts.hpp"

namespace tg::orch {

namespace {

// Shared: the NIC's PCI address and interface from how the inventory names it.
constexpr const char* nic_functions = R"sh(
fail() { printf '%s\n' "$*" >&2; exit 1; }
kv() { printf '%s=%s\n' "$1" "$2"; }
first() { [ -r "$1" ] && head -n1 "$1" 2>/dev/null; }
# resolve KIND VALUE: sets pci and iface.
resolve() {
    pci="" iface=""
    case $1 in
        pci) pci=$2 ;;
        iface)
            iface=$2
            [ -e "$SYS/class/net/$iface/device" ] && pci=$(basename "$(readlink -f "$SYS/class/net/$iface/device")")
            ;;
        sriov_env)
            sriov=$(printenv "$2" 2>/dev/null)
            # Inside a pod the plugin's variables are the container's: PID 1 has them.
            [ -n "$sriov" ] || sriov=$(tr '\0' '\n' </proc/1/environ 2>/dev/null | sed -n "s/^$2=//p" | head -n1)
            pci=${sriov%%,*}
            ;;
    esac
}
driver_of() { [ -e "$SYS/bus/pci/devices/$1/driver" ] && basename "$(readlink -f "$SYS/bus/pci/devices/$1/driver")"; }
# wait_driver PCI DRIVER: up to 5 s for the kernel to show the device bound to DRIVER ("" for none).
wait_driver() {
    i=0
    while [ "$(driver_of "$1")" != "$2" ]; do
        i=$((i + 1))
        [ $i -le 100 ] || return 1
        sleep 0.05
    done
}
)sh";

}  // namespace

constexpr const char* probe_body = R"sh(
# check: sh -s -- KIND VALUE TRAFFICGEN SYSFS
kind=$1 nic=$2 tg=$3 SYS=${4:-/sys}

kv kernel "$(uname -r)"
kv cpus "$(getconf _NPROCESSORS_ONLN 2>/dev/null)"
kv cpu_model "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
nodes=0
for n in "$SYS"/devices/system/node/node[0-9]*; do [ -d "$n" ] && nodes=$((nodes + 1)); done
kv numa_nodes "$nodes"
kv clocksource "$(first "$SYS/devices/system/clocksource/clocksource0/current_clocksource")"
flags=$(sed -n 's/^flags[[:space:]]*: //p' /proc/cpuinfo | head -n1)
tsc=""
for f in constant_tsc nonstop_tsc tsc_reliable; do
    case " $flags " in *" $f "*) tsc="$tsc${tsc:+,}$f" ;; esac
done
kv tsc_flags "$tsc"
kv hugepages_2m "$(first "$SYS/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages")"
kv hugepages_2m_free "$(first "$SYS/kernel/mm/hugepages/hugepages-2048kB/free_hugepages")"
kv hugepages_1g "$(first "$SYS/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages")"
groups=0
for g in "$SYS"/kernel/iommu_groups/*; do [ -d "$g" ] && groups=$((groups + 1)); done
kv iommu_groups "$groups"
kv noiommu "$(first "$SYS/module/vfio/parameters/enable_unsafe_noiommu_mode")"
if [ -d "$SYS/module/sctp" ]; then kv sctp loaded
elif modinfo sctp >/dev/null 2>&1; then kv sctp available
else kv sctp absent; fi
if [ -d "$SYS/module/vfio_pci" ]; then kv vfio_pci loaded
elif modinfo vfio-pci >/dev/null 2>&1; then kv vfio_pci available
else kv vfio_pci absent; fi

[ "$kind" = none ] || resolve "$kind" "$nic"
[ "$kind" = sriov_env ] && kv sriov_env_value "$sriov"
kv nic_pci "$pci"
if [ -n "$pci" ] && [ -e "$SYS/bus/pci/devices/$pci" ]; then
    dev="$SYS/bus/pci/devices/$pci"
    kv nic_present yes
    kv nic_driver "$(driver_of "$pci")"
    kv nic_numa_node "$(first "$dev/numa_node")"
    kv nic_vendor_device "$(first "$dev/vendor"):$(first "$dev/device")"
    kv nic_iommu_group "$([ -e "$dev/iommu_group" ] && basename "$(readlink -f "$dev/iommu_group")")"
    if [ -z "$iface" ] && [ -d "$dev/net" ]; then
        for n in "$dev"/net/*; do [ -e "$n" ] && iface=$(basename "$n") && break; done
    fi
elif [ "$kind" = iface ] && [ -e "$SYS/class/net/$nic" ]; then
    kv nic_present yes  # a virtual interface (veth, tap): no PCI device behind it
elif [ "$kind" != none ]; then
    kv nic_present no
fi
kv nic_iface "$iface"
if [ -n "$iface" ] && command -v ethtool >/dev/null 2>&1; then
    off=$(ethtool -k "$iface" 2>/dev/null)
    kv offload_tx_sctp "$(printf '%s\n' "$off" | sed -n 's/^[[:space:]]*tx-checksum-sctp: \([a-z]*\).*/\1/p')"
    kv offload_tx_ip "$(printf '%s\n' "$off" | sed -n 's/^[[:space:]]*tx-checksum-ip-generic: \([a-z]*\).*/\1/p')"
    kv offload_tx_ipv4 "$(printf '%s\n' "$off" | sed -n 's/^[[:space:]]*tx-checksum-ipv4: \([a-z]*\).*/\1/p')"
    kv offload_rx "$(printf '%s\n' "$off" | sed -n 's/^[[:space:]]*rx-checksumming: \([a-z]*\).*/\1/p')"
    kv nic_iface_driver "$(ethtool -i "$iface" 2>/dev/null | sed -n 's/^driver: //p')"
fi

if command -v "$tg" >/dev/null 2>&1; then
    kv trafficgen "$("$tg" --version 2>/dev/null | head -n1)"
else
    kv trafficgen missing
fi
)sh";

constexpr const char* bind_body = R"sh(
# bind: sh -s -- KIND VALUE DRIVER SYSFS STATE_DIR
kind=$1 nic=$2 want=$3 SYS=$4 state=$5
file="$state/nic-$kind-$nic"
if [ -e "$file" ]; then
    # Bound before (the interface may be gone since): the address is in the state.
    pci=$(sed -n 's/^pci=//p' "$file")
    iface=$(sed -n 's/^iface=//p' "$file")
else
    resolve "$kind" "$nic"
fi
[ -n "$pci" ] || fail "cannot find the PCI address of the NIC $nic ($kind): is it on this host?"
dev="$SYS/bus/pci/devices/$pci"
[ -e "$dev" ] || fail "there is no PCI device $pci on this host"
if [ -z "$iface" ] && [ -d "$dev/net" ]; then
    for n in "$dev"/net/*; do [ -e "$n" ] && iface=$(basename "$n") && break; done
fi
cur=$(driver_of "$pci")
kv pci "$pci"
kv iface "$iface"
if [ "$cur" = "$want" ]; then
    kv was "$(sed -n 's/^driver=//p' "$file" 2>/dev/null)"
    kv bound "$want"
    exit 0
fi
if [ -n "$iface" ] && [ "$SYS" = /sys ] && ip route show default 2>/dev/null | grep -q " dev $iface\( \|$\)"; then
    fail "$iface ($pci) carries this host's default route: binding it to $want would cut the host off"
fi
[ -d "$SYS/bus/pci/drivers/$want" ] || [ "$SYS" != /sys ] || modprobe "$want" 2>/dev/null
[ -d "$SYS/bus/pci/drivers/$want" ] || fail "the driver $want is not loaded (modprobe $want; provision loads vfio-pci)"
mkdir -p "$state" || fail "cannot make $state"
mac=""
[ -n "$iface" ] && mac=$(first "$SYS/class/net/$iface/address")
printf 'pci=%s\ndriver=%s\niface=%s\nmac=%s\noverride=%s\n' "$pci" "$cur" "$iface" "$mac" "$(first "$dev/driver_override")" >"$file.tmp" &&
    mv "$file.tmp" "$file" || fail "cannot write $file"
if [ -n "$cur" ]; then
    printf '%s\n' "$pci" >"$dev/driver/unbind" || fail "cannot unbind $pci from $cur"
fi
printf '%s\n' "$want" >"$dev/driver_override" || fail "cannot set driver_override of $pci"
printf '%s\n' "$pci" >"$SYS/bus/pci/drivers/$want/bind" 2>/dev/null || printf '%s\n' "$pci" >"$SYS/bus/pci/drivers_probe"
wait_driver "$pci" "$want" || fail "the kernel did not bind $pci to $want (its log says why: dmesg | tail)"
kv was "$cur"
kv bound "$want"
)sh";

constexpr const char* unbind_body = R"sh(
# unbind: sh -s -- KIND VALUE SYSFS STATE_DIR
kind=$1 nic=$2 SYS=$3 state=$4
file="$state/nic-$kind-$nic"
if [ ! -e "$file" ]; then
    kv restored none  # never bound by trafficgen-orch, or restored already
    exit 0
fi
pci=$(sed -n 's/^pci=//p' "$file")
orig=$(sed -n 's/^driver=//p' "$file")
dev="$SYS/bus/pci/devices/$pci"
[ -e "$dev" ] || fail "there is no PCI device $pci on this host any more"
cur=$(driver_of "$pci")
kv pci "$pci"
if [ "$cur" != "$orig" ] && [ -n "$cur" ]; then
    printf '%s\n' "$pci" >"$dev/driver/unbind" || fail "cannot unbind $pci from $cur"
fi
# An empty line clears the override.
printf '\n' >"$dev/driver_override" || fail "cannot clear driver_override of $pci"
if [ -n "$orig" ] && [ "$cur" != "$orig" ]; then
    printf '%s\n' "$pci" >"$SYS/bus/pci/drivers/$orig/bind" 2>/dev/null || printf '%s\n' "$pci" >"$SYS/bus/pci/drivers_probe"
    wait_driver "$pci" "$orig" || fail "the kernel did not give $pci back to $orig (its log says why: dmesg | tail)"
fi
rm -f "$file"
kv restored "${orig:-no driver}"
)sh";

constexpr const char* nic_body = R"sh(
# nic: sh -s -- KIND VALUE SYSFS STATE_DIR
kind=$1 nic=$2 SYS=$3 state=$4
file="$state/nic-$kind-$nic"
mac=""
if [ -e "$file" ]; then
    pci=$(sed -n 's/^pci=//p' "$file")
    iface=$(sed -n 's/^iface=//p' "$file")
    mac=$(sed -n 's/^mac=//p' "$file")
else
    resolve "$kind" "$nic"
fi
if [ -n "$pci" ] && [ -e "$SYS/bus/pci/devices/$pci" ]; then
    kv driver "$(driver_of "$pci")"
    if [ -z "$iface" ] && [ -d "$SYS/bus/pci/devices/$pci/net" ]; then
        for n in "$SYS/bus/pci/devices/$pci"/net/*; do [ -e "$n" ] && iface=$(basename "$n") && break; done
    fi
elif [ "$kind" = iface ] && [ -e "$SYS/class/net/$nic" ]; then
    kv driver kernel  # a virtual interface (veth, tap): no PCI device behind it
else
    fail "cannot find the NIC $nic ($kind) on this host"
fi
[ -n "$iface" ] && [ -e "$SYS/class/net/$iface" ] && mac=$(first "$SYS/class/net/$iface/address")
kv pci "$pci"
kv iface "$iface"
kv mac "$mac"
)sh";

constexpr const char* provision_body = R"sh(
# provision: sh -s -- HUGEPAGES VFIO SYSFS STATE_DIR ETC_DIR CONF
pages=$1 vfio=$2 SYS=$3 state=$4 etc=$5 conf=$6
mkdir -p "$state" || fail "cannot make $state"
# Hugepages of 2 MB: the count it had is kept once, for teardown.
if [ "$pages" -gt 0 ]; then
    f="$SYS/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
    [ -e "$f" ] || fail "this kernel has no 2 MB hugepages ($f)"
    [ -e "$state/hugepages" ] || first "$f" >"$state/hugepages"
    printf '%s\n' "$pages" >"$f" || fail "cannot reserve $pages hugepages of 2 MB"
    got=$(first "$f")
    kv hugepages "$got"
    [ "$got" -ge "$pages" ] || kv hugepages_short "only $got of $pages hugepages of 2 MB could be reserved (memory is fragmented or short)"
    if [ "$SYS" = /sys ] && ! grep -q ' hugetlbfs ' /proc/mounts; then
        mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages || fail "cannot mount hugetlbfs on /dev/hugepages"
        echo mounted >"$state/hugetlbfs"
    fi
fi
# vfio-pci for the NIC, with the no-IOMMU mode where the guest has no vIOMMU.
if [ "$vfio" = yes ]; then
    [ -d "$SYS/bus/pci/drivers/vfio-pci" ] || [ "$SYS" != /sys ] || modprobe vfio-pci 2>/dev/null
    [ -d "$SYS/bus/pci/drivers/vfio-pci" ] || fail "cannot load vfio-pci (modprobe vfio-pci failed)"
    groups=0
    for g in "$SYS"/kernel/iommu_groups/*; do [ -d "$g" ] && groups=$((groups + 1)); done
    if [ $groups = 0 ]; then
        p="$SYS/module/vfio/parameters/enable_unsafe_noiommu_mode"
        [ -e "$state/noiommu" ] || first "$p" >"$state/noiommu"
        printf 'Y\n' >"$p" || fail "no IOMMU, and the no-IOMMU mode of vfio cannot be turned on ($p)"
        kv noiommu Y
    fi
    kv vfio_pci loaded
fi
# SCTP for kernel peers; trafficgen's own SCTP does not need it.
if [ -d "$SYS/module/sctp" ]; then kv sctp loaded
elif [ "$SYS" = /sys ] && modprobe sctp 2>/dev/null; then kv sctp loaded
else kv sctp unavailable; fi
# The host's settings file; one there before is kept for teardown.
mkdir -p "$etc" || fail "cannot make $etc"
if [ -e "$etc/trafficgen.conf" ] && [ ! -e "$state/trafficgen.conf.orig" ] && [ ! -e "$state/conf" ]; then
    cp -p "$etc/trafficgen.conf" "$state/trafficgen.conf.orig" || fail "cannot keep $etc/trafficgen.conf"
fi
printf '%s\n' "$etc/trafficgen.conf" >"$state/conf"
printf '%s' "$conf" >"$etc/trafficgen.conf.tmp" && mv "$etc/trafficgen.conf.tmp" "$etc/trafficgen.conf" ||
    fail "cannot write $etc/trafficgen.conf"
kv conf "$etc/trafficgen.conf"
)sh";

constexpr const char* teardown_body = R"sh(
# teardown: sh -s -- SYSFS STATE_DIR
SYS=$1 state=$2
[ -d "$state" ] || { kv teardown nothing; exit 0; }
if [ -e "$state/hugepages" ]; then
    printf '%s\n' "$(cat "$state/hugepages")" >"$SYS/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages" ||
        fail "cannot give the hugepages back"
    kv hugepages "$(first "$SYS/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages")"
    rm -f "$state/hugepages"
fi
if [ -e "$state/hugetlbfs" ]; then
    umount /dev/hugepages 2>/dev/null && kv hugetlbfs unmounted
    rm -f "$state/hugetlbfs"
fi
if [ -e "$state/noiommu" ]; then
    v=$(cat "$state/noiommu")
    [ -z "$v" ] || printf '%s\n' "$v" >"$SYS/module/vfio/parameters/enable_unsafe_noiommu_mode" 2>/dev/null
    rm -f "$state/noiommu"
fi
if [ -e "$state/conf" ]; then
    conf=$(cat "$state/conf")
    if [ -e "$state/trafficgen.conf.orig" ]; then
        mv "$state/trafficgen.conf.orig" "$conf" || fail "cannot put back $conf"
        kv conf restored
    else
        rm -f "$conf"
        kv conf removed
    fi
    rm -f "$state/conf"
fi
rmdir "$state" 2>/dev/null
kv teardown done
)sh";

std::string provision_script() { return std::string(nic_functions) + provision_body; }
std::string teardown_script() { return std::string(nic_functions) + teardown_body; }
std::string nic_script() { return std::string(nic_functions) + nic_body; }
std::string probe_script() { return std::string(nic_functions) + probe_body; }
std::string bind_script() { return std::string(nic_functions) + bind_body; }
std::string unbind_script() { return std::string(nic_functions) + unbind_body; }

}  // namespace tg::orch
