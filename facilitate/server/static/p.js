(function(){var m=document.getElementById('main'),x=document.getElementById('exit');
if(x)x.addEventListener('click',function(e){e.preventDefault();location.replace(x.href)});
window.addEventListener('pageshow',function(e){if(e.persisted)location.reload()});
if(!m||!m.getAttribute('data-item')||!window.EventSource)return;
var busy=0,again=0;
function load(){if(busy){again=1;return}busy=1;var r=new XMLHttpRequest();r.open('GET','/?part=1');
r.onload=function(){if(r.status===200)m.innerHTML=r.responseText;done()};r.onerror=done;r.send()}
function done(){busy=0;if(again){again=0;load()}}
new EventSource('/events').addEventListener('change',function(e){var d;try{d=JSON.parse(e.data)}catch(_){return}
if(d.item!==m.getAttribute('data-item')||d.phase!==m.getAttribute('data-phase')){
m.setAttribute('data-item',d.item);m.setAttribute('data-phase',d.phase);load()}})})();
