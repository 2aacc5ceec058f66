#!/usr/bin/env bash
# A one-node Slurm cluster from Debian's own packages, for CI (a real
# slurmctld + slurmd + munged on this machine, no mock, no systemd).
#
#   ci/slurm-cluster.sh start    install if missing, configure, start, wait until the node is idle
#   ci/slurm-cluster.sh stop     cancel every job, stop slurmd, slurmctld and munged
#   ci/slurm-cluster.sh status   sinfo and squeue
#
# Must run as root on Debian 12 (bookworm: Slurm 22.05, MUNGE 0.5.15).
# `start` is idempotent: it installs only what is missing, rewrites
# slurm.conf, restarts the Slurm daemons only if that file changed or they
# are not running, and then waits for the node again.
#
# Environment: SLURM_CLUSTER_TIMEOUT (seconds to wait for the node, default 60).
#
# No cgroup.conf: with the plugins chosen below Slurm 22.05 reads none.
# Errors such as "mpi/pmix_v4: can not load PMIx library" in the daemons'
# logs are harmless: libpmix2 is only a recommended package, not installed,
# and MpiDefault=none.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C

CONF_DIR=/etc/slurm
CONF=$CONF_DIR/slurm.conf
LOG_DIR=/var/log/slurm
STATE_DIR=/var/lib/slurm/slurmctld
SPOOL_DIR=/var/lib/slurm/slurmd
PID_DIR=/run/slurm
CTLD_PID=$PID_DIR/slurmctld.pid
SLURMD_PID=$PID_DIR/slurmd.pid
MUNGE_KEY=/etc/munge/munge.key
MUNGE_RUN=/run/munge
MUNGE_PID=$MUNGE_RUN/munged.pid
TIMEOUT=${SLURM_CLUSTER_TIMEOUT:-60}
PACKAGES=(munge slurm-wlm slurmctld slurmd slurm-client)

say() { echo "slurm-cluster: $*"; }
die() { echo "slurm-cluster: error: $*" >&2; exit 1; }

# The node is named after the short hostname, whatever it is ("vm", a
# 64-character container id, ...). slurmd is started with -N so it never
# has to work the name out itself, and every address is 127.0.0.1, so
# nothing depends on the hostname resolving.
node_name() { local h; h=$(hostname -s 2>/dev/null || uname -n); echo "${h%%.*}"; }
NODE=$(node_name)
# Slurm 22.05's slurmctld reads the hostname into a 64-byte buffer
# (MAX_SLURM_NAME) and dies with "getnodename_short error File name too
# long" when it is 64 characters long, the most Linux allows (a full
# 64-hex-digit container id, say). Then the daemons run in a UTS namespace
# of their own whose hostname is the first 63 characters, and so does the
# node name; the rest of the machine keeps its hostname.
IN_UTS=()
if ((${#NODE} > 63)); then
    NODE=${NODE:0:63}
    # shellcheck disable=SC2016 # $0 and $@ are for that sh
    IN_UTS=(unshare --uts -- sh -c 'hostname "$0" && exec "$@"' "$NODE")
fi

# Is $1 a live (not zombie) process whose command name is $2? A pid file
# can outlive its daemon (killed, machine reused), and its pid can since
# have gone to another process: that one must neither count as the daemon
# nor be killed. A killed daemon stays a zombie until PID 1 reaps it.
alive() {
    local pid=$1 name=$2 stat comm
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    comm=${stat#*(}
    comm=${comm%)*}
    stat=${stat##*) }
    [[ $comm == "$name" && ${stat%% *} != Z ]]
}

# Print the pid in pid file $1 if it is a live process named $2.
live_pid() {
    local f=$1 name=$2 pid
    [[ -s $f ]] || return 1
    pid=$(<"$f")
    [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" "$name" && echo "$pid"
}

# Stop daemon $2 named in pid file $1: TERM, wait up to $3 s, then KILL.
stop_pidfile() {
    local f=$1 name=$2 wait=$3 pid i
    pid=$(live_pid "$f" "$name") || { rm -f "$f"; return 0; }
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < wait * 10; i++)); do
        alive "$pid" "$name" || { rm -f "$f"; return 0; }
        sleep 0.1
    done
    say "$name did not stop in ${wait}s, killing it"
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$f"
}

show_logs() {
    local f
    for f in "$LOG_DIR/slurmctld.log" "$LOG_DIR/slurmd.log" /var/log/munge/munged.log; do
        [[ -f $f ]] || continue
        echo "----- last lines of $f -----" >&2
        tail -n 60 "$f" >&2
    done
    echo "----- $CONF -----" >&2
    cat "$CONF" >&2 2>/dev/null || true
}

install_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
    done
    if ((${#missing[@]} == 0)); then
        say "packages already installed: $(slurmctld -V)"
        return
    fi
    say "installing ${missing[*]}"
    # The package scripts would try to start munged/slurmd/slurmctld through
    # their init scripts; we start them ourselves below, with our own
    # options, so forbid that during the install (Debian's policy-rc.d
    # mechanism), unless the machine already has a policy-rc.d of its own.
    local policy=/usr/sbin/policy-rc.d ours=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        ours=1
    fi
    # A fresh machine's package lists may be missing or stale. Two more
    # tries of each step, for a mirror's passing hiccup.
    local ok=0 try
    for try in 1 2 3; do
        ((try == 1)) || { say "apt failed, trying again in 5s"; sleep 5; }
        apt-get update -qq &&
            apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null &&
            { ok=1; break; }
    done
    ((ours)) && rm -f "$policy"
    ((ok)) || die "could not install ${missing[*]}"
    say "installed: $(slurmctld -V)"
}

start_munge() {
    # The package's postinst makes a key with `mungekey -c`; make one if
    # there is none anyway (e.g. it was removed), then fix owner and mode,
    # which munged checks.
    install -d -o munge -g munge -m 0700 /etc/munge /var/log/munge
    install -d -o munge -g munge -m 0711 /var/lib/munge
    if [[ ! -s $MUNGE_KEY ]]; then
        say "creating $MUNGE_KEY"
        runuser -u munge -- mungekey --create --keyfile="$MUNGE_KEY"
    fi
    chown munge:munge "$MUNGE_KEY"
    chmod 0400 "$MUNGE_KEY"
    # /run/munge is normally made by systemd's tmpfiles; without systemd
    # (or after a reboot: /run is a tmpfs) it does not exist.
    install -d -o munge -g munge -m 0755 "$MUNGE_RUN"
    if pid=$(live_pid "$MUNGE_PID" munged); then
        say "munged already running (pid $pid)"
    else
        say "starting munged"
        runuser -u munge -- /usr/sbin/munged
    fi
    local i
    for ((i = 0; i < 50; i++)); do
        munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    show_logs
    die "munge does not work (munge -n | unmunge fails)"
}

write_conf() {
    # `slurmd -C` prints this machine's hardware as slurm.conf sees it,
    # e.g. "NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2
    # ThreadsPerCore=1 RealMemory=24105".
    local hw cpus mem
    hw=$(slurmd -C | head -n 1)
    cpus=$(sed -n 's/.*\bCPUs=\([0-9]\+\).*/\1/p' <<<"$hw")
    mem=$(sed -n 's/.*\bRealMemory=\([0-9]\+\).*/\1/p' <<<"$hw")
    [[ -n $cpus && -n $mem ]] || die "cannot read CPUs/RealMemory from 'slurmd -C': $hw"

    install -d -m 0755 "$CONF_DIR" "$LOG_DIR" "$PID_DIR" /var/lib/slurm
    install -d -m 0700 "$STATE_DIR"
    install -d -m 0755 "$SPOOL_DIR"

    local tmp
    tmp=$(mktemp)
    cat >"$tmp" <<EOF
# Written by ci/slurm-cluster.sh: a one-node cluster for CI. Do not edit.
ClusterName=cradle-ci
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
SwitchType=switch/none
# There is no mail on a CI machine (the default, /bin/mail, is missing).
MailProg=/bin/true

# No cgroups (they may be missing or read-only on a CI machine, and there is
# no systemd): processes are tracked through /proc, tasks are not bound or
# limited, and nothing gathers accounting data.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none

# CR_CPU with only CPUs= on the node line: each CPU (core or hyper-thread)
# is its own unit, so N one-CPU jobs or array tasks run at once on N CPUs.
# (Giving Sockets/Cores/Threads, or CR_Core on a hyper-threaded machine,
# would allow only one job per core.) Memory is not a consumable resource,
# so jobs need not ask for any.
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU

# A node set DOWN for not responding (its slurmd stopped or killed while
# slurmctld ran) comes back by itself as soon as its slurmd registers again
# with a valid configuration.
ReturnToService=2

SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$STATE_DIR
SlurmdSpoolDir=$SPOOL_DIR
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info

NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
    if [[ -f $CONF ]] && cmp -s "$tmp" "$CONF"; then
        rm -f "$tmp"
        CONF_CHANGED=0
    else
        install -m 0644 "$tmp" "$CONF"
        rm -f "$tmp"
        CONF_CHANGED=1
        say "wrote $CONF (node $NODE, CPUs=$cpus, RealMemory=$mem MB)"
    fi
}

node_state() { sinfo -h -N -n "$NODE" -o '%T' 2>/dev/null | head -n 1; }

start_slurm() {
    local pid
    if ((CONF_CHANGED)); then
        # A running daemon would keep the old configuration.
        stop_pidfile "$SLURMD_PID" slurmd 15
        stop_pidfile "$CTLD_PID" slurmctld 15
    fi
    if pid=$(live_pid "$CTLD_PID" slurmctld); then
        say "slurmctld already running (pid $pid)"
    else
        say "starting slurmctld (log $LOG_DIR/slurmctld.log)"
        "${IN_UTS[@]}" slurmctld || { show_logs; die "slurmctld did not start"; }
    fi
    if pid=$(live_pid "$SLURMD_PID" slurmd); then
        say "slurmd already running (pid $pid)"
    else
        say "starting slurmd -N $NODE (log $LOG_DIR/slurmd.log)"
        "${IN_UTS[@]}" slurmd -N "$NODE" || { show_logs; die "slurmd did not start"; }
    fi

    local state="" resumed=0 i
    for ((i = 0; i < TIMEOUT * 2; i++)); do
        state=$(node_state || true)
        case $state in
            idle | mixed | allocated | completing)
                say "node $NODE is $state ($(sinfo -h -o '%P %D %C' | head -n 1): partition nodes CPUs A/I/O/T)"
                return 0
                ;;
            *drain* | down)
                # A DRAINED/DRAINING state is saved across restarts and
                # ReturnToService does not clear it: it is set by hand or by
                # Slurm itself, e.g. "Kill task failed" when a job's processes
                # would not die, or "Low RealMemory" if the machine reports
                # less memory than when slurm.conf was written. A DOWN node
                # whose slurmd responds (no "*") was set down by hand or for
                # a reason ReturnToService=2 does not undo. Either way this is
                # a throw-away CI node whose slurmd is up: resume it, once.
                if ((!resumed)); then
                    say "node $NODE is $state ($(sinfo -h -N -n "$NODE" -o '%E')): resuming it"
                    scontrol update nodename="$NODE" state=resume || true
                    resumed=1
                fi
                ;;
        esac
        # If a daemon died (bad config, port in use, ...), stop waiting.
        live_pid "$CTLD_PID" slurmctld >/dev/null || { show_logs; die "slurmctld exited"; }
        live_pid "$SLURMD_PID" slurmd >/dev/null || { show_logs; die "slurmd exited"; }
        sleep 0.5
    done
    sinfo -N -l >&2 || true
    show_logs
    die "node $NODE not idle after ${TIMEOUT}s (state: ${state:-none})"
}

cmd_start() {
    [[ $(id -u) == 0 ]] || die "must run as root"
    local t0=$SECONDS
    install_packages
    start_munge
    write_conf
    start_slurm
    say "cluster up in $((SECONDS - t0))s"
}

cmd_stop() {
    if live_pid "$CTLD_PID" slurmctld >/dev/null; then
        local ids i
        ids=$(squeue -h -o '%i' 2>/dev/null | tr '\n' ' ' || true)
        if [[ -n ${ids// /} ]]; then
            say "cancelling jobs: $ids"
            # shellcheck disable=SC2086
            scancel $ids 2>/dev/null || true
            for ((i = 0; i < 40; i++)); do
                [[ -z $(squeue -h -o '%i' 2>/dev/null) ]] && break
                sleep 0.5
            done
        fi
    fi
    # The node daemon, then the controller, then munged, which both use to
    # authenticate their messages.
    stop_pidfile "$SLURMD_PID" slurmd 15
    stop_pidfile "$CTLD_PID" slurmctld 15
    stop_pidfile "$MUNGE_PID" munged 10
    say "stopped"
}

cmd_status() {
    if ! live_pid "$CTLD_PID" slurmctld >/dev/null; then
        say "slurmctld is not running"
        return 1
    fi
    sinfo
    echo
    squeue
}

case ${1:-} in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2
        ;;
esac
