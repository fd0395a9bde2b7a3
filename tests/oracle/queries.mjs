// The oracle's queries in DuckDB SQL; oracle_queries.cpp has each under the same name in the
// DataFrame API. `ordered`: the query orders its rows, so the order is compared too.
// Null order is spelled out: Spark sorts ascending nulls first and descending nulls last.
export const QUERIES = {
  q1: { ordered: true, sql: `select l_returnflag, l_linestatus, sum(l_quantity) as sum_qty, sum(l_extendedprice) as sum_base_price,
    sum(l_extendedprice * (1 - l_discount)) as sum_disc_price, sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as sum_charge,
    avg(l_quantity) as avg_qty, avg(l_extendedprice) as avg_price, avg(l_discount) as avg_disc, count(*) as count_order
    from lineitem where l_shipdate <= date '1998-09-02' group by l_returnflag, l_linestatus order by l_returnflag, l_linestatus` },
  q3: { ordered: true, sql: `select l_orderkey, sum(l_extendedprice * (1 - l_discount)) as revenue, o_orderdate, o_shippriority
    from customer c, orders o, lineitem l where c_mktsegment = 'BUILDING' and c_custkey = o_custkey and l_orderkey = o_orderkey
    and o_orderdate < date '1995-03-15' and l_shipdate > date '1995-03-15'
    group by l_orderkey, o_orderdate, o_shippriority order by revenue desc, o_orderdate, l_orderkey limit 10` },
  q18: { ordered: true, sql: `select c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice, sum(l_quantity) as qty
    from customer c, orders o, lineitem l where o_orderkey in (select l_orderkey from lineitem group by l_orderkey having sum(l_quantity) > 300)
    and c_custkey = o_custkey and o_orderkey = l_orderkey
    group by c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice order by o_totalprice desc, o_orderdate, o_orderkey limit 100` },
  j_inner: { sql: `select l.id, l.k, l.g, r.rid, r.y from t_left l join t_right r on l.k = r.k` },
  j_left: { sql: `select l.id, l.k, l.g, r.rid, r.y from t_left l left join t_right r on l.k = r.k` },
  j_right: { sql: `select coalesce(l.k, r.k) as k, l.id, r.rid, r.y from t_left l right join t_right r on l.k = r.k` },
  j_full: { sql: `select coalesce(l.k, r.k) as k, l.id, l.x, r.rid, r.z from t_left l full join t_right r on l.k = r.k` },
  j_semi: { sql: `select id, k, g from t_left l where exists (select 1 from t_right r where r.k = l.k)` },
  j_anti: { sql: `select id, k, g from t_left l where not exists (select 1 from t_right r where r.k = l.k)` },
  j_cross: { sql: `select l.id, r.rid from t_left l, t_right r where l.n = 1 and r.z < 5` },
  j_condition: { sql: `select l.id, r.rid, l.x, r.z from t_left l join t_right r on l.k = r.k and l.x > r.z` },
  j_empty_inner: { sql: `select l.id, e.v from t_left l join t_empty e on l.k = e.k` },
  j_empty_left: { sql: `select l.id, l.k, e.v from t_left l left join t_empty e on l.k = e.k` },
  j_skew: { sql: `select s.id, s.k, r.rid from t_skew s join t_right r on s.k = r.k` },
  a_skew: { sql: `select k, count(*) as cnt, sum(v) as sv from t_skew group by k` },
  a_nulls: { sql: `select g, count(*) as c, count(x) as cx, sum(x) as sx, avg(x) as ax, min(x) as mn, max(x) as mx,
    min(n) as mnn, max(id) as mid, sum(n) as sn, min(g) as mg from t_left group by g` },
  a_global_empty: { sql: `select count(*) as c, sum(k) as s, avg(k) as a, min(v) as m from t_empty` },
  a_global: { sql: `select count(*) as c, count(k) as ck, sum(x) as sx, max(g) as mg from t_left` },
  a_count_distinct: { sql: `select g, count(distinct n) as cd from t_left group by g` },
  distinct: { sql: `select distinct g, n from t_left` },
  o_nulls: { ordered: true, sql: `select id, x, k from t_left order by x desc nulls last, k asc nulls first, id` },
  o_limit: { ordered: true, sql: `select id, k, x from t_left order by k desc nulls last, id limit 7` },
  e_case: { sql: `select id, case when x > 50 then 'big' when x > 10 then 'mid' else 'small' end as size,
    coalesce(n, -1) as n2, abs(x - 50) as d, sqrt(x) as s, floor(x) as f, x / 3 as third from t_left` },
  e_string: { sql: `select id, upper(g) as u, lower(g) as lo, length(g) as len, substring(g, 2, 3) as sub,
    g || '-' || cast(n as varchar) as c from t_left where g like '%e%'` },
  e_dates: { sql: `select year(o_orderdate) as y, month(o_orderdate) as m, count(*) as c from orders
    where o_orderdate between date '1995-01-01' and date '1996-12-31' group by 1, 2` },
  u_union: { sql: `select k, count(*) as c from (select k from t_left union all select k from t_right) group by k` },
  text: { sql: `select id, s, length(s) as len from t_text` },
};
