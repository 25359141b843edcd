-- Argo CD health check for flinkresilience.dev/FlinkResilientJob.
-- Install: argocd-cm key resource.customizations.health.flinkresilience.dev_FlinkResilientJob
-- (docs/operations.md, "Argo CD"). Tested by HealthLuaTest against status fixtures.
-- Written for Lua 5.1 (Argo CD's gopher-lua): no goto, no integer division.

local function condition(status, type)
  if status.conditions == nil then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local function message(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return fallback
end

local hs = {}
local status = obj.status
if status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end

-- Status written for an older spec says nothing about the current one.
local generation = obj.metadata.generation
local observed = status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

local phase = status.phase or ""
local ready = condition(status, "Ready")
local progressing = condition(status, "Progressing")
local degraded = condition(status, "Degraded")
local summary = status.message or phase

-- A rejected spec: the previous deployment may still run, but what Git asks for is not applied.
if ready ~= nil and ready.status == "False" and ready.reason == "InvalidSpec" then
  hs.status = "Degraded"
  hs.message = "Spec rejected: " .. message(ready, summary)
  return hs
end
if degraded ~= nil and degraded.status == "True" then
  hs.status = "Degraded"
  hs.message = message(degraded, summary)
  return hs
end
if phase == "Failed" then
  hs.status = "Degraded"
  hs.message = message(ready, summary)
  return hs
end

local moving = progressing ~= nil and progressing.status == "True"
if phase == "Suspended" and not moving then
  hs.status = "Suspended"
  hs.message = message(ready, "Job suspended")
  return hs
end
if phase == "Running" and ready ~= nil and ready.status == "True" and not moving then
  hs.status = "Healthy"
  hs.message = message(ready, summary)
  return hs
end
if phase == "Recovering" then
  hs.status = "Progressing"
  hs.message = "Recovering: " .. message(progressing, summary)
  return hs
end

-- Pending, Deploying, an operation under way, or a phase this script does not know yet.
hs.status = "Progressing"
hs.message = message(progressing, message(ready, summary))
return hs
