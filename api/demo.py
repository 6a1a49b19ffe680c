"""Demo data: a plant in Yantai, outlets across China, engineers, and a few repair calls.

Loaded through the same services as the API (same checks, same audit trail), once: a database
that already has plants is left alone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.access.principal import Principal, Role
from dispatch.network.service import NetworkService, OutletCreate, PlantCreate, TechnicianCreate
from dispatch.tickets.intake import Channel, FaultType, Urgency
from dispatch.tickets.service import CustomerInput, SiteInput, TicketCreate, TicketService
from geo.coordinates import LonLat, parse_lonlat
from storage.models import Plant

DEMO = Principal(subject="demo", role=Role.ADMIN)
YANTAI = LonLat(121.447, 37.464)

# name, lon, lat, service radius (km)
OUTLETS: tuple[tuple[str, float, float, float], ...] = (
    ("北京服务站 Beijing", 116.407, 39.904, 400),
    ("上海服务站 Shanghai", 121.474, 31.230, 400),
    ("广州服务站 Guangzhou", 113.264, 23.129, 500),
    ("成都服务站 Chengdu", 104.066, 30.573, 600),
    ("武汉服务站 Wuhan", 114.305, 30.593, 450),
    ("西安服务站 Xi'an", 108.940, 34.342, 500),
    ("沈阳服务站 Shenyang", 123.431, 41.806, 450),
    ("乌鲁木齐服务站 Urumqi", 87.617, 43.826, 900),
    ("昆明服务站 Kunming", 102.833, 24.880, 600),
    ("哈尔滨服务站 Harbin", 126.535, 45.803, 500),
    ("兰州服务站 Lanzhou", 103.834, 36.061, 600),
    ("南宁服务站 Nanning", 108.366, 22.817, 450),
    ("郑州服务站 Zhengzhou", 113.625, 34.747, 400),
)
PLANT_ENGINEERS = (
    ("王工 Wang", ("hydraulic", "mechanical")),
    ("李工 Li", ("electrical", "control")),
    ("张工 Zhang", ("mechanical", "body", "welding")),
    ("刘工 Liu", ("hydraulic", "power")),
    ("陈工 Chen", ("electrical", "tyre")),
)
# site (lon, lat, datum), fault, type, urgency, customer, phone
CALLS: tuple[tuple[tuple[float, float, str], str, FaultType, Urgency, str, str], ...] = (
    (
        (120.38, 36.07, "WGS84"),
        "垃圾车液压缸漏油 hydraulic cylinder leaking",
        FaultType.HYDRAULIC,
        Urgency.URGENT,
        "青岛环卫 Qingdao Sanitation",
        "0532-8000001",
    ),
    (
        (117.00, 36.65, "GCJ02"),
        "举升机构无法动作 lift will not move",
        FaultType.CONTROL,
        Urgency.NORMAL,
        "济南城管 Jinan City Services",
        "0531-8000002",
    ),
    (
        (104.07, 30.67, "BD09"),
        "副车架焊缝开裂 sub-frame weld cracked",
        FaultType.BODY,
        Urgency.EXTRA_URGENT,
        "成都清运 Chengdu Haulage",
        "028-8000003",
    ),
    (
        (113.30, 23.10, "WGS84"),
        "电气短路 electrical short",
        FaultType.ELECTRICAL,
        Urgency.NORMAL,
        "广州环卫 Guangzhou Sanitation",
        "020-8000004",
    ),
    (
        (87.60, 43.80, "WGS84"),
        "轮胎爆裂 tyre burst",
        FaultType.TYRE,
        Urgency.URGENT,
        "乌鲁木齐市政 Urumqi Municipal",
        "0991-8000005",
    ),
    (
        (116.40, 39.90, "GCJ02"),
        "取力器异响 PTO noise",
        FaultType.MECHANICAL,
        Urgency.NORMAL,
        "北京环卫 Beijing Sanitation",
        "010-8000006",
    ),
)


async def load_demo(session: AsyncSession, network: NetworkService, tickets: TicketService) -> bool:
    """Load the demo once (services from ``api/composition.py`` on ``session``'s unit of work);
    returns False when the database already has plants."""
    if await session.scalar(select(func.count()).select_from(Plant)):
        return False
    plant = await network.create_plant(DEMO, PlantCreate("烟台工厂 Yantai plant", YANTAI, "vehicle-500km"))
    for index, (name, lon, lat, radius) in enumerate(OUTLETS):
        outlet = await network.create_outlet(
            DEMO, OutletCreate(name, plant.id, LonLat(lon, lat), service_radius_km=radius)
        )
        await network.create_technician(
            DEMO,
            TechnicianCreate(
                f"{name.split()[0][:2]}技师 {index + 1}",
                LonLat(lon + 0.02, lat + 0.01),
                outlet_id=outlet.id,
                skills=("mechanical", "hydraulic", "electrical"),
            ),
        )
    for offset, (name, skills) in enumerate(PLANT_ENGINEERS):
        home = LonLat(YANTAI.lon + 0.01 * offset, YANTAI.lat + 0.005 * offset)
        await network.create_technician(DEMO, TechnicianCreate(name, home, plant_id=plant.id, skills=skills))
    now = datetime.now(UTC)
    for hours_ago, (site, fault, kind, urgency, customer, phone) in enumerate(CALLS):
        lon, lat, crs = site
        await tickets.create(
            DEMO,
            TicketCreate(
                plant_id=plant.id,
                site=parse_lonlat(lon, lat, crs, field="site"),
                site_input=SiteInput(lon, lat, crs),
                fault_description=fault,
                fault_type=kind,
                urgency=urgency,
                channel=Channel.PHONE,
                customer=CustomerInput(customer, phone),
                reported_at=now - timedelta(hours=hours_ago * 3),
            ),
        )
    return True
