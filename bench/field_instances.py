"""Realistic field-service planning instances, reproducible by seed.

A plant in Yantai, ``outlets`` service outlets in Chinese cities, engineers at the plant and at
the outlets with 2–4 skills each, tickets scattered around cities across China. Each ticket's
team and deadline follow the vehicle-500km preset: within 500 km of the plant the plant's own
engineers go with 24 h (R-DI-1/R-DI-2), beyond it the nearest outlet with 48 h (≤ 1000 km) or
72 h. 5 % extra-urgent, 15 % urgent (R-IN-3); a fifth of the customers give a window.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dispatch.planning.snapshot import Engineer, Interval, Job, Snapshot
from geo.coordinates import LonLat
from geo.geodesic import geodesic_m

PLANT = (121.447, 37.464)  # Yantai
CITIES: tuple[tuple[str, float, float], ...] = (
    ("Beijing", 116.40, 39.90), ("Tianjin", 117.20, 39.13), ("Shijiazhuang", 114.51, 38.04),
    ("Taiyuan", 112.55, 37.87), ("Hohhot", 111.75, 40.84), ("Shenyang", 123.43, 41.80),
    ("Dalian", 121.61, 38.91), ("Changchun", 125.32, 43.82), ("Harbin", 126.53, 45.80),
    ("Shanghai", 121.47, 31.23), ("Nanjing", 118.80, 32.06), ("Hangzhou", 120.16, 30.27),
    ("Hefei", 117.23, 31.82), ("Fuzhou", 119.30, 26.08), ("Nanchang", 115.86, 28.68),
    ("Jinan", 117.12, 36.65), ("Qingdao", 120.38, 36.07), ("Zhengzhou", 113.63, 34.75),
    ("Wuhan", 114.31, 30.59), ("Changsha", 112.94, 28.23), ("Guangzhou", 113.26, 23.13),
    ("Shenzhen", 114.06, 22.54), ("Nanning", 108.37, 22.82), ("Haikou", 110.20, 20.04),
    ("Chongqing", 106.55, 29.56), ("Chengdu", 104.07, 30.57), ("Guiyang", 106.63, 26.65),
    ("Kunming", 102.83, 24.88), ("Xi'an", 108.94, 34.34), ("Lanzhou", 103.83, 36.06),
    ("Xining", 101.78, 36.62), ("Yinchuan", 106.23, 38.49), ("Urumqi", 87.62, 43.83),
    ("Lhasa", 91.11, 29.65), ("Xuzhou", 117.28, 34.20), ("Weifang", 119.16, 36.71),
    ("Linyi", 118.36, 35.10), ("Tangshan", 118.18, 39.63), ("Baotou", 109.84, 40.66),
    ("Luoyang", 112.45, 34.62), ("Yichang", 111.29, 30.69), ("Xiamen", 118.09, 24.48),
    ("Wenzhou", 120.70, 28.00), ("Ningbo", 121.55, 29.87), ("Suzhou", 120.58, 31.30),
    ("Ganzhou", 114.93, 25.83), ("Zunyi", 106.93, 27.73), ("Mianyang", 104.68, 31.47),
    ("Baoding", 115.46, 38.87), ("Handan", 114.54, 36.63), ("Datong", 113.30, 40.08),
    ("Jilin", 126.55, 43.84), ("Qiqihar", 123.92, 47.35), ("Daqing", 125.10, 46.59),
    ("Liuzhou", 109.41, 24.33), ("Zhanjiang", 110.36, 21.27), ("Shantou", 116.68, 23.35),
    ("Huai'an", 119.02, 33.61), ("Yantai", 121.45, 37.46), ("Weihai", 122.12, 37.51),
)  # fmt: skip
FAULTS = ("mechanical", "electrical", "tyre", "hydraulic", "power", "control", "body", "other")
TZ = ZoneInfo("Asia/Shanghai")


def _near(rng: random.Random, lon: float, lat: float, km: float) -> tuple[float, float]:
    return lon + rng.uniform(-km, km) / 90.0, lat + rng.uniform(-km, km) / 111.0


def generate(
    tickets: int = 1000, engineers: int = 100, outlets: int = 40, seed: int = 7, now: datetime | None = None
) -> Snapshot:
    """One instance; ``now`` defaults to a Monday 08:30 in Yantai."""
    if not 20 <= outlets <= len(CITIES) - 2:
        raise ValueError(f"outlets must be in [20, {len(CITIES) - 2}]")
    rng = random.Random(seed)
    now = now or datetime(2026, 11, 23, 8, 30, tzinfo=TZ)
    cities = [c for c in CITIES if c[0] not in ("Yantai",)]
    outlet_cities = rng.sample(cities, outlets)
    teams = [("plant:yantai", PLANT[0], PLANT[1])] + [(f"outlet:{c[0]}", c[1], c[2]) for c in outlet_cities]
    staff: list[Engineer] = []
    plant_share = max(1, engineers // 5)
    for i in range(engineers):
        team, lon, lat = teams[0] if i < plant_share else teams[1 + (i - plant_share) % outlets]
        home = _near(rng, lon, lat, 15)
        skills = frozenset(rng.sample(FAULTS[:-1], rng.randint(3, 5)))
        sick: tuple[Interval, ...] = ()
        if rng.random() < 0.03:
            sick = (Interval(now, now + timedelta(days=1)),)
        staff.append(Engineer(f"e{i:03d}", f"engineer {i}", team, home[0], home[1], "home", skills, sick))
    jobs: list[Job] = []
    plant = LonLat(*PLANT)
    for k in range(tickets):
        _, clon, clat = rng.choice(CITIES)
        lon, lat = _near(rng, clon, clat, 120)
        site = LonLat(lon, lat)
        km = geodesic_m(plant, site) / 1000
        if km <= 500:
            team, hours = "plant:yantai", 24
        else:
            nearest = min(teams[1:], key=lambda t: geodesic_m(LonLat(t[1], t[2]), site))
            team, hours = nearest[0], (48 if km <= 1000 else 72)
        reported = now - timedelta(minutes=rng.randint(0, 12 * 60))
        roll = rng.random()
        urgency = "extra_urgent" if roll < 0.05 else "urgent" if roll < 0.20 else "normal"
        windows: tuple[Interval, ...] = ()
        if rng.random() < 0.2:
            day = (now + timedelta(days=rng.randint(0, 2))).date()
            start = datetime(day.year, day.month, day.day, 9, tzinfo=TZ)
            windows = (Interval(start, start + timedelta(hours=8)),)
        jobs.append(
            Job(
                ticket_id=f"t{k:04d}",
                number=1001 + k,
                team=team,
                lon=lon,
                lat=lat,
                urgency=urgency,
                fault_type=rng.choice(FAULTS),
                deadline=reported + timedelta(hours=hours),
                windows=windows,
            )
        )
    return Snapshot("plant", "yantai", "Asia/Shanghai", now, 72, tuple(staff), tuple(jobs))
